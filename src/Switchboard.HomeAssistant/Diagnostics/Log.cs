using Microsoft.Extensions.Logging;

namespace Switchboard.HomeAssistant;

/// <summary>Every log line of Switchboard.HomeAssistant, source-generated with stable event ids (1000–1299).</summary>
internal static partial class Log
{
    // Registry: discovery (1000–1019).
    [LoggerMessage(1000, LogLevel.Information, "Home Assistant discovery started on {Filter}")]
    public static partial void DiscoveryStarted(ILogger logger, string filter);

    [LoggerMessage(1001, LogLevel.Debug, "Discovered {Component} {EntityId} from {Topic}")]
    private static partial void EntityAdded(ILogger logger, string component, string entityId, string topic);

    [LoggerMessage(1002, LogLevel.Debug, "Updated {Component} {EntityId} from {Topic}")]
    private static partial void EntityUpdated(ILogger logger, string component, string entityId, string topic);

    [LoggerMessage(1003, LogLevel.Debug, "Removed {Component} {EntityId} ({Topic})")]
    private static partial void EntityRemoved(ILogger logger, string component, string entityId, string topic);

    [LoggerMessage(1004, LogLevel.Warning, "Discovery message on {Topic} rejected ({Reason}): {Detail}")]
    private static partial void DiscoveryRejected(ILogger logger, string topic, RejectionReason reason, string detail);

    [LoggerMessage(1005, LogLevel.Warning, "Component {ComponentId} of device discovery message on {Topic} rejected ({Reason}): {Detail}")]
    private static partial void ComponentRejected(ILogger logger, string topic, string componentId, RejectionReason reason, string detail);

    [LoggerMessage(1006, LogLevel.Error, "Handling the discovery message on {Topic} failed")]
    public static partial void DiscoveryHandlingFailed(ILogger logger, string topic, Exception error);

    // Registry: state (1020–1039).
    [LoggerMessage(1020, LogLevel.Warning, "Template {TemplateKey} of {EntityId} is outside the supported Jinja subset ({Error}): {Template}; the option is ignored and commands that need it fail")]
    private static partial void UnsupportedTemplate(ILogger logger, string entityId, string templateKey, string? error, string template);

    [LoggerMessage(1021, LogLevel.Debug, "Template {TemplateKey} of {EntityId} gave no value for the message on {Topic} ({Detail}); state kept")]
    private static partial void TemplateNoValue(ILogger logger, string entityId, string templateKey, string topic, string? detail);

    [LoggerMessage(1022, LogLevel.Warning, "Template {TemplateKey} of {EntityId} failed for the message on {Topic}: {Detail}; state kept")]
    private static partial void TemplateFailed(ILogger logger, string entityId, string templateKey, string topic, string detail);

    [LoggerMessage(1023, LogLevel.Warning, "Payload '{Payload}' on {Topic} ignored for {EntityId}: {Reason}")]
    private static partial void InvalidStatePayload(ILogger logger, string entityId, string topic, string payload, string reason);

    [LoggerMessage(1024, LogLevel.Debug, "Availability payload '{Payload}' on {Topic} matches neither payload of {EntityId}")]
    private static partial void AvailabilityUnmatched(ILogger logger, string entityId, string topic, string payload);

    [LoggerMessage(1025, LogLevel.Debug, "{EntityId} is now {Availability}")]
    private static partial void AvailabilityChanged(ILogger logger, string entityId, string availability);

    [LoggerMessage(1026, LogLevel.Error, "Handling the state message on {Topic} failed")]
    public static partial void StateHandlingFailed(ILogger logger, string topic, Exception error);

    [LoggerMessage(1037, LogLevel.Warning, "Subscribing to Tasmota discovery {Filter} failed; Tasmota devices are not discovered")]
    public static partial void TasmotaSubscribeFailed(ILogger logger, string filter, Exception error);

    [LoggerMessage(1027, LogLevel.Warning, "Subscribing to entity topic {Filter} failed; its entities get no state from it")]
    public static partial void SubscribeFailed(ILogger logger, string filter, Exception error);

    [LoggerMessage(1028, LogLevel.Error, "A {EventName} event handler threw")]
    public static partial void EventHandlerFailed(ILogger logger, string eventName, Exception error);

    [LoggerMessage(1029, LogLevel.Debug, "{EntityId} expired: no state message within expire_after ({Seconds} s)")]
    private static partial void StateExpired(ILogger logger, string entityId, double seconds);

    [LoggerMessage(1030, LogLevel.Error, "Handling an expire_after or off_delay timer of {EntityId} failed")]
    public static partial void DelayFailed(ILogger logger, string entityId, Exception error);

    [LoggerMessage(1031, LogLevel.Information, "The client is {State}: entities are {Verdict} ({Changed} of {Count} changed availability)")]
    private static partial void ConnectionAvailability(ILogger logger, ConnectionState state, string verdict, int changed, int count);

    [LoggerMessage(1032, LogLevel.Error, "Applying the client's connection state {State} to the entities' availability failed")]
    public static partial void ConnectionHandlingFailed(ILogger logger, ConnectionState state, Exception error);

    [LoggerMessage(1033, LogLevel.Debug, "Availability template {TemplateKey} of {EntityId} had no value for the message on {Topic} ({Detail}); the payload itself is used, as Home Assistant does")]
    private static partial void AvailabilityTemplateFellBack(ILogger logger, string entityId, string templateKey, string topic, string? detail);

    [LoggerMessage(1035, LogLevel.Information, "Home Assistant registry on {Prefix}/# is ready: caught up with the broker's retained configs ({Count} entities, their topics subscribed)")]
    public static partial void RegistryReady(ILogger logger, string prefix, int count);

    [LoggerMessage(1036, LogLevel.Debug, "Home Assistant registry on {Prefix}/# did not become ready")]
    public static partial void RegistryNotReady(ILogger logger, string prefix, Exception error);

    [LoggerMessage(1034, LogLevel.Debug, "Retained message '{Payload}' on {Topic} ignored for event entity {EntityId}: a retained event is an old one")]
    private static partial void RetainedEventIgnored(ILogger logger, string entityId, string topic, string payload);

    // Control (1100–1119).
    [LoggerMessage(1100, LogLevel.Debug, "{EntityId}: publishing '{Payload}' to {Topic} (QoS {Qos}, retain {Retain})")]
    public static partial void CommandPublishing(ILogger logger, string entityId, string topic, string payload, int qos, bool retain);

    [LoggerMessage(1101, LogLevel.Warning, "Command template {TemplateKey} of {EntityId} cannot render ({Reason}): {Template}; the command was not sent")]
    public static partial void CommandTemplateRefused(ILogger logger, string entityId, string templateKey, string template, string reason);

    // Device publisher (1200–1229).
    [LoggerMessage(1200, LogLevel.Information, "Announced device {DeviceId} with {Count} entities")]
    public static partial void DeviceAnnounced(ILogger logger, string deviceId, int count);

    [LoggerMessage(1201, LogLevel.Information, "Removed device {DeviceId}")]
    public static partial void DeviceRemoved(ILogger logger, string deviceId);

    [LoggerMessage(1202, LogLevel.Information, "Home Assistant said '{Payload}' on {Topic}: re-announcing {Count} device(s)")]
    public static partial void Reannouncing(ILogger logger, string topic, string payload, int count);

    [LoggerMessage(1203, LogLevel.Warning, "Re-announcing devices failed")]
    public static partial void ReannounceFailed(ILogger logger, Exception error);

    [LoggerMessage(1204, LogLevel.Debug, "Command for {DeviceId}/{ObjectId} on {Topic}: '{Payload}'")]
    public static partial void CommandReceived(ILogger logger, string deviceId, string objectId, string topic, string payload);

    [LoggerMessage(1205, LogLevel.Error, "The command handler of {DeviceId}/{ObjectId} threw on the message from {Topic}")]
    public static partial void CommandHandlerFailed(ILogger logger, string deviceId, string objectId, string topic, Exception error);

    [LoggerMessage(1206, LogLevel.Warning, "Command queue full; the oldest command (for {Topic}) was dropped")]
    public static partial void CommandDropped(ILogger logger, string topic);

    [LoggerMessage(1207, LogLevel.Warning, "Client {ClientId} does not publish health (EnableHealth is off): announced entities get no availability, so Home Assistant cannot see a crash")]
    public static partial void HealthDisabled(ILogger logger, string clientId);

    public static void EntityAdded(ILogger logger, HomeAssistantEntity entity) => EntityAdded(logger, entity.Component, entity.Id, entity.DiscoveryTopic);

    public static void EntityUpdated(ILogger logger, HomeAssistantEntity entity) => EntityUpdated(logger, entity.Component, entity.Id, entity.DiscoveryTopic);

    public static void EntityRemoved(ILogger logger, HomeAssistantEntity entity) => EntityRemoved(logger, entity.Component, entity.Id, entity.DiscoveryTopic);

    public static void DiscoveryRejected(ILogger logger, DiscoveryRejection rejection)
    {
        if (rejection.Component is null)
        {
            DiscoveryRejected(logger, rejection.Topic, rejection.Reason, rejection.Detail);
        }
        else
        {
            ComponentRejected(logger, rejection.Topic, rejection.Component, rejection.Reason, rejection.Detail);
        }
    }

    public static void UnsupportedTemplate(ILogger logger, (string EntityId, string Key, string? Error, string Template) t) => UnsupportedTemplate(logger, t.EntityId, t.Key, t.Error, t.Template);

    public static void TemplateNoValue(ILogger logger, (string EntityId, string Key, string Topic, string? Detail) t) => TemplateNoValue(logger, t.EntityId, t.Key, t.Topic, t.Detail);

    public static void AvailabilityTemplateFellBack(ILogger logger, (string EntityId, string Key, string Topic, string? Detail) t) => AvailabilityTemplateFellBack(logger, t.EntityId, t.Key, t.Topic, t.Detail);

    public static void TemplateFailed(ILogger logger, (string EntityId, string Key, string Topic, string Detail) t) => TemplateFailed(logger, t.EntityId, t.Key, t.Topic, t.Detail);

    public static void InvalidStatePayload(ILogger logger, (string EntityId, string Topic, string Payload, string Reason) t) => InvalidStatePayload(logger, t.EntityId, t.Topic, t.Payload, t.Reason);

    public static void AvailabilityUnmatched(ILogger logger, (string EntityId, string Topic, string Payload) t) => AvailabilityUnmatched(logger, t.EntityId, t.Topic, t.Payload);

    public static void RetainedEventIgnored(ILogger logger, (string EntityId, string Topic, string Payload) t) => RetainedEventIgnored(logger, t.EntityId, t.Topic, t.Payload);

    public static void StateExpired(ILogger logger, (string EntityId, TimeSpan ExpireAfter) t) => StateExpired(logger, t.EntityId, t.ExpireAfter.TotalSeconds);

    public static void ConnectionAvailability(ILogger logger, (ConnectionState State, int Changed, int Count) t) =>
        ConnectionAvailability(logger, t.State, t.State == ConnectionState.Connected ? "back to what their availability topics and expire_after say" : "unavailable until it reconnects", t.Changed, t.Count);

    public static void AvailabilityChanged(ILogger logger, (string EntityId, bool Available) t) => AvailabilityChanged(logger, t.EntityId, t.Available ? "available" : "unavailable");
}
