using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.HomeAssistant.Discovery;
using Switchboard.HomeAssistant.State;

namespace Switchboard.HomeAssistant;

// Tasmota's own discovery, the registry's second source. A device announces itself on <prefix>/<MAC>/config and its
// sensors on <prefix>/<MAC>/sensors; each message is kept per MAC (a sensors message may come before its config, as
// hatasmota allows), and every time either changes the device's entities are computed again from both: an entity no
// longer announced goes, a new or changed one is added or updated in place, an unchanged one is left alone. Each entity
// is the Home Assistant MQTT config that describes it, so state, availability and control are the ones of Home
// Assistant discovery.
public sealed partial class HomeAssistantRegistry
{
    private readonly Dictionary<string, TasmotaDevice> _tasmota = new(StringComparer.Ordinal);
    private Subscription? _tasmotaDiscovery;

    /// <summary>The Tasmota discovery prefix in use (<see cref="HomeAssistantOptions.TasmotaDiscoveryPrefix"/>), or null.</summary>
    public string? TasmotaDiscoveryPrefix => _options.TasmotaDiscoveryPrefix;

    private async Task SubscribeTasmotaAsync(CancellationToken cancellationToken)
    {
        if (_options.TasmotaDiscoveryPrefix is { } prefix)
        {
            var filter = prefix + "/#";
            try
            {
                _tasmotaDiscovery = await Client.SubscribeAsync(filter, OnTasmotaDiscoveryMessage, _options.SubscriptionQos, cancellationToken).ConfigureAwait(false);
                Log.DiscoveryStarted(_logger, filter);
            }
            catch (SwitchboardException ex)
            {
                // The second source is on by default: a broker whose ACL refuses it must not stop Home Assistant discovery.
                Log.TasmotaSubscribeFailed(_logger, filter, ex);
            }
        }
    }

    /// <summary>Test hook: handles <paramref name="message"/> as a Tasmota discovery message, without a broker.</summary>
    internal void InjectTasmotaDiscoveryMessage(MqttMessage message) => OnTasmotaDiscoveryMessage(message, CancellationToken.None);

    /// <summary>Handles one message under the Tasmota discovery prefix, on the client's dispatch loop. Never throws.</summary>
    private ValueTask OnTasmotaDiscoveryMessage(MqttMessage message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _counters.DiscoveryMessages);
        var deferred = new Deferred(this);
        try
        {
            HandleTasmota(message, deferred);
        }
        catch (Exception ex)
        {
            Log.DiscoveryHandlingFailed(_logger, message.Topic, ex);
        }
        finally
        {
            deferred.Run();
        }

        return ValueTask.CompletedTask;
    }

    private void HandleTasmota(MqttMessage message, Deferred deferred)
    {
        if (!TasmotaDiscovery.TryParseTopic(message.Topic, _options.TasmotaDiscoveryPrefix!, out var mac, out var kind, out var topicError))
        {
            lock (_gate)
            {
                Reject(message.Topic, RejectionReason.IllegalTopic, topicError!, null, deferred);
            }

            return;
        }

        JsonObject? payload = null;
        string text = string.Empty;
        if (!message.Payload.IsEmpty)
        {
            payload = TasmotaDiscovery.ParseObject(message.Payload, out var reason, out var error);
            var problem = payload is null ? (reason, error!)
                : kind == TasmotaTopicKind.Config ? TasmotaDiscovery.ValidateConfig(payload, mac)
                : TasmotaDiscovery.ValidateSensors(payload);
            if (problem is { } refused)
            {
                lock (_gate)
                {
                    Reject(message.Topic, refused.Item1, refused.Item2, null, deferred);
                }

                return;
            }

            text = Encoding.UTF8.GetString(message.Payload.Span);
        }

        lock (_gate)
        {
            if (!_tasmota.TryGetValue(mac, out var device))
            {
                if (payload is null)
                {
                    return; // removing what was never there
                }

                _tasmota[mac] = device = new TasmotaDevice();
            }

            if (kind == TasmotaTopicKind.Config)
            {
                device.Config = payload;
                device.ConfigTopic = message.Topic;
                device.ConfigText = text;
            }
            else
            {
                device.Sensors = payload;
                device.SensorsTopic = message.Topic;
                device.SensorsText = text;
            }

            ApplyTasmota(mac, device, deferred);
            if (device.Config is null && device.Sensors is null)
            {
                _tasmota.Remove(mac);
            }
        }
    }

    /// <summary>Under the lock: makes the registry's entities of <paramref name="mac"/> what its messages announce.</summary>
    private void ApplyTasmota(string mac, TasmotaDevice device, Deferred deferred)
    {
        // Without its config a device has no entities, sensors included (hatasmota waits for the config).
        var specs = device.Config is { } config ? TasmotaDiscovery.Entities(config, device.Sensors) : [];
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            var key = $"{spec.Component}/{mac}/{spec.ObjectId}";
            if (!keys.Add(key))
            {
                continue;
            }

            var discoveryTopic = spec.FromSensors ? device.SensorsTopic! : device.ConfigTopic!;
            var element = ToElement(spec.Config);
            if (_byKey.TryGetValue(key, out var existing) && existing.DiscoveryTopic == discoveryTopic
                && existing.Definition.Root.GetRawText() == element.GetRawText())
            {
                continue; // unchanged: no update event, as hatasmota compares configs
            }

            if (ConfigValidator.Validate(spec.Component, new ConfigView(element)) is { } problem)
            {
                // Cannot happen for what TasmotaDiscovery builds; refused like any config if it did.
                Reject(discoveryTopic, problem.Reason, $"{spec.ObjectId}: {problem.Detail}", null, deferred);
                continue;
            }

            var definition = EntityDefinition.Create(key, spec.Component, discoveryTopic, mac, spec.ObjectId, element, componentId: null, spec.ExtraStateTopics);
            Upsert(definition, spec.FromSensors ? device.SensorsText : device.ConfigText, deferred);
        }

        foreach (var gone in device.Keys.Except(keys).ToList())
        {
            if (_byKey.TryGetValue(gone, out var entity))
            {
                RemoveEntity(entity, deferred);
            }
        }

        device.Keys = keys;
    }

    private static JsonElement ToElement(JsonObject config)
    {
        using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes(config.ToJsonString()));
        return document.RootElement.Clone();
    }

    /// <summary>The last config and sensors message of one Tasmota device, and the keys of the entities they made.</summary>
    private sealed class TasmotaDevice
    {
        public JsonObject? Config { get; set; }

        public string? ConfigTopic { get; set; }

        public string ConfigText { get; set; } = string.Empty;

        public JsonObject? Sensors { get; set; }

        public string? SensorsTopic { get; set; }

        public string SensorsText { get; set; } = string.Empty;

        public HashSet<string> Keys { get; set; } = new(StringComparer.Ordinal);
    }
}
