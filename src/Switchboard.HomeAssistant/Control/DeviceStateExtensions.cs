using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.HomeAssistant;

/// <summary>A state read from <c>&lt;prefix&gt;/&lt;type&gt;/&lt;id&gt;/state</c>.</summary>
/// <param name="DeviceType">The device type (<c>light</c>, <c>switch</c>, <c>sensor</c> …).</param>
/// <param name="DeviceId">The device id.</param>
/// <param name="Topic">The topic it came from.</param>
/// <param name="Payload">The payload as text.</param>
/// <param name="Retained">True when the broker sent it from its retained store.</param>
public sealed record DeviceStateReading(string DeviceType, string DeviceId, string Topic, string Payload, bool Retained)
{
    /// <summary>The payload as JSON, when it is JSON.</summary>
    public JsonElement? Json
    {
        get
        {
            try
            {
                using var document = JsonDocument.Parse(Payload);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}

/// <summary>
/// The simple device topics of the Python services (<c>MQTT_TOPIC_PREFIX</c>): <c>&lt;prefix&gt;/&lt;type&gt;/&lt;id&gt;/set</c>
/// to command, <c>…/state</c> for the current state, <c>…/availability</c> for <c>online</c>/<c>offline</c>. The prefix
/// is <see cref="SwitchboardOptions.TopicPrefix"/>, else <c>smarthome</c>.
/// </summary>
public static class DeviceStateExtensions
{
    private const string ReflectionJson =
        "Serializes an arbitrary object with reflection-based System.Text.Json, which trimming can break and Native AOT " +
        "cannot generate. Pass a JsonNode (JsonObject) or a string instead.";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(2);

    /// <summary>Publishes <paramref name="state"/> to <c>&lt;prefix&gt;/&lt;type&gt;/&lt;id&gt;/set</c> as it is
    /// (trimming and Native AOT safe).</summary>
    public static Task SetDeviceStateAsync(this SwitchboardClient client, string deviceType, string deviceId, string state, Qos qos = Qos.AtLeastOnce, bool retain = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(state);
        return client.PublishAsync(Topic(client, deviceType, deviceId, "set"), state, qos, retain, cancellationToken);
    }

    /// <summary>Publishes a JSON state to <c>&lt;prefix&gt;/&lt;type&gt;/&lt;id&gt;/set</c> as it is:
    /// <c>new JsonObject { ["state"] = "on", ["brightness"] = 80 }</c> (trimming and Native AOT safe).</summary>
    public static Task SetDeviceStateAsync(this SwitchboardClient client, string deviceType, string deviceId, JsonNode state, Qos qos = Qos.AtLeastOnce, bool retain = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(state);
        return client.PublishAsync(Topic(client, deviceType, deviceId, "set"), state.ToJsonString(), qos, retain, cancellationToken);
    }

    /// <summary>Publishes <paramref name="state"/> to <c>&lt;prefix&gt;/&lt;type&gt;/&lt;id&gt;/set</c>: a string as is,
    /// JSON nodes as they are, any other object as JSON with snake_case names (<c>{"state":"on","brightness":80}</c>),
    /// serialized with reflection; under trimming or Native AOT pass a string or a <see cref="JsonNode"/> instead.</summary>
    [RequiresUnreferencedCode(ReflectionJson)]
    [RequiresDynamicCode(ReflectionJson)]
    public static Task SetDeviceStateAsync(this SwitchboardClient client, string deviceType, string deviceId, object state, Qos qos = Qos.AtLeastOnce, bool retain = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(state);
        var topic = Topic(client, deviceType, deviceId, "set");
        var payload = state switch
        {
            string text => text,
            JsonNode node => node.ToJsonString(),
            JsonElement element => element.GetRawText(),
            _ => JsonSerializer.Serialize(state, state.GetType(), Json),
        };
        return client.PublishAsync(topic, payload, qos, retain, cancellationToken);
    }

    /// <summary>Reads the current state from <c>&lt;prefix&gt;/&lt;type&gt;/&lt;id&gt;/state</c>: the retained message
    /// when there is one, else the next message within <paramref name="wait"/> (2 s by default); null when none came.
    /// Note: if this client already subscribes that topic, the broker does not resend its retained message, so only a
    /// new message can be read.</summary>
    public static Task<DeviceStateReading?> GetDeviceStateAsync(this SwitchboardClient client, string deviceType, string deviceId, TimeSpan? wait = null, CancellationToken cancellationToken = default) =>
        ReadOnceAsync(client, deviceType, deviceId, "state", wait, cancellationToken);

    /// <summary>Reads <c>&lt;prefix&gt;/&lt;type&gt;/&lt;id&gt;/availability</c>: true for <c>online</c>, false for
    /// <c>offline</c>, null when nothing (else) came within <paramref name="wait"/>.</summary>
    public static async Task<bool?> GetDeviceAvailabilityAsync(this SwitchboardClient client, string deviceType, string deviceId, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        var reading = await ReadOnceAsync(client, deviceType, deviceId, "availability", wait, cancellationToken).ConfigureAwait(false);
        return reading?.Payload.Trim().ToLowerInvariant() switch
        {
            "online" => true,
            "offline" => false,
            _ => null,
        };
    }

    /// <summary>The topic <c>&lt;prefix&gt;/&lt;type&gt;/&lt;id&gt;/&lt;action&gt;</c> for this client.</summary>
    public static string DeviceTopic(this SwitchboardClient client, string deviceType, string deviceId, string action) =>
        Topic(client, deviceType, deviceId, action);

    private static async Task<DeviceStateReading?> ReadOnceAsync(SwitchboardClient client, string deviceType, string deviceId, string action, TimeSpan? wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var topic = Topic(client, deviceType, deviceId, action);
        var received = new TaskCompletionSource<DeviceStateReading>(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscription = await client.SubscribeAsync(topic, (message, _) =>
        {
            received.TrySetResult(new DeviceStateReading(deviceType, deviceId, message.Topic, Encoding.UTF8.GetString(message.Payload.Span), message.Retain));
            return ValueTask.CompletedTask;
        }, Qos.AtLeastOnce, cancellationToken).ConfigureAwait(false);
        await using (subscription.ConfigureAwait(false))
        {
            try
            {
                return await received.Task.WaitAsync(wait ?? DefaultWait, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }
    }

    private static string Topic(SwitchboardClient client, string deviceType, string deviceId, string action)
    {
        foreach (var (name, value) in new[] { (nameof(deviceType), deviceType), (nameof(deviceId), deviceId) })
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
            if (value.IndexOfAny(['/', '+', '#']) >= 0)
            {
                throw new ArgumentException($"'{value}' must be a single topic level without '/', '+' or '#'.", name);
            }
        }

        var prefix = client.Options.TopicPrefix is { Length: > 0 } configured ? configured.TrimEnd('/') : HomeAssistantOptions.DefaultTopicPrefix;
        return $"{prefix}/{deviceType}/{deviceId}/{action}";
    }
}
