using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.HomeAssistant.Publishing;

namespace Switchboard.HomeAssistant;

/// <summary>
/// Makes this service's devices appear in Home Assistant. <see cref="AnnounceAsync"/> publishes retained discovery
/// configs whose availability is the client's health topic (<c>system/health/&lt;client id&gt;</c>, rendered by
/// <c>{{ 'online' if value_json.data.ok else 'offline' }}</c>), so a crash — the client's will — shows the entities as
/// unavailable. Commands on the entities' command topics go to each entity's <see cref="EntityDescription.OnCommand"/>,
/// in order, off the client's dispatch loop. When Home Assistant's birth message (<c>homeassistant/status</c> =
/// <c>online</c>) arrives, every config and the last published states are sent again. <see cref="RemoveAsync"/>
/// publishes empty retained configs. Thread-safe.
/// </summary>
public sealed class HomeAssistantDevicePublisher : IAsyncDisposable
{
    private const int CommandQueueCapacity = 10_000;
    private static readonly TimeSpan CommandDrainTimeout = TimeSpan.FromSeconds(5);
    private const string ReflectionJson =
        "Serializes an arbitrary object with reflection-based System.Text.Json, which trimming can break and Native AOT " +
        "cannot generate. Pass a JsonNode (JsonObject) or a string payload instead.";

    private static readonly JsonSerializerOptions StateJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly SwitchboardClient _client;
    private readonly HomeAssistantOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly HashSet<string> _components;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Registration> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Device, string Entity), string> _lastStates = [];
    private readonly SemaphoreSlim _announce = new(1, 1);
    private readonly Channel<(DeviceCommand Command, DeviceCommandHandler Handler)> _commands;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _commandTask;
    private Subscription? _birth;
    private Task _reannounce = Task.CompletedTask;
    private long _reannouncements;
    private int _disposed;

    /// <summary>Creates a publisher on <paramref name="client"/>. Enable <see cref="SwitchboardOptions.EnableHealth"/> on
    /// the client: without it the entities get no availability.</summary>
    /// <param name="client">The connection to publish and subscribe with.</param>
    /// <param name="options">Discovery prefix, birth topic, topic prefix; a copy is taken.</param>
    /// <param name="loggerFactory">Where logs go; none by default.</param>
    /// <param name="timeProvider">Clock for the bounded wait on queued commands at dispose.</param>
    public HomeAssistantDevicePublisher(SwitchboardClient client, HomeAssistantOptions? options = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = (options ?? new HomeAssistantOptions()).Clone();
        _options.Validate();
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Switchboard.HomeAssistant.Publisher");
        _components = new HashSet<string>(HomeAssistantComponents.Supported, StringComparer.Ordinal);
        _components.UnionWith(_options.AdditionalComponents);
        _commands = Channel.CreateBounded<(DeviceCommand, DeviceCommandHandler)>(
            new BoundedChannelOptions(CommandQueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped => Log.CommandDropped(_logger, dropped.Item1.Topic));
        _commandTask = Task.Run(RunCommandsAsync);
    }

    /// <summary>How many times the birth message made the publisher re-announce.</summary>
    public long Reannouncements => Interlocked.Read(ref _reannouncements);

    /// <summary>The ids of the announced devices.</summary>
    public IReadOnlyList<string> DeviceIds
    {
        get
        {
            lock (_gate)
            {
                return [.. _devices.Keys];
            }
        }
    }

    /// <summary>Publishes the discovery configs of <paramref name="device"/> (retained, QoS 1) and subscribes its
    /// command topics. Announcing the same id again replaces it: entities no longer described are removed from
    /// Home Assistant. Completes when the broker has the configs.</summary>
    /// <exception cref="ArgumentException">An id is not <c>[a-zA-Z0-9_-]</c>, an object id repeats, or a component is unknown.</exception>
    public async Task AnnounceAsync(DeviceDescription device, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ArgumentNullException.ThrowIfNull(device);
        var healthTopic = _client.Options.EnableHealth ? _client.HealthTopic : null;
        if (healthTopic is null)
        {
            Log.HealthDisabled(_logger, _client.ClientId);
        }

        var announced = DiscoveryConfigBuilder.Build(device, _options.DiscoveryPrefix, _options.ResolveTopicPrefix(_client), healthTopic, _components);
        await _announce.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureBirthSubscriptionAsync(cancellationToken).ConfigureAwait(false);
            Registration? previous;
            lock (_gate)
            {
                _devices.TryGetValue(device.Id, out previous);
            }

            if (previous is not null)
            {
                await previous.DisposeSubscriptionsAsync().ConfigureAwait(false);
                var kept = announced.Entities.Select(e => e.ConfigTopic).ToHashSet(StringComparer.Ordinal);
                if (previous.Device.DeviceConfigTopic is null)
                {
                    foreach (var gone in previous.Device.Entities.Where(e => !kept.Contains(e.ConfigTopic) || announced.DeviceConfigTopic is not null))
                    {
                        await _client.PublishAsync(gone.ConfigTopic, ReadOnlyMemory<byte>.Empty, Qos.AtLeastOnce, retain: true, cancellationToken).ConfigureAwait(false);
                    }
                }
                else if (announced.DeviceConfigTopic is null)
                {
                    await _client.PublishAsync(previous.Device.DeviceConfigTopic, ReadOnlyMemory<byte>.Empty, Qos.AtLeastOnce, retain: true, cancellationToken).ConfigureAwait(false);
                }
                else if (announced.DeviceConfig!["components"] is JsonObject components)
                {
                    // Device discovery keeps omitted components; a component reduced to its platform is removed.
                    foreach (var gone in previous.Device.Entities.Where(e => !components.ContainsKey(e.Description.ObjectId)))
                    {
                        components[gone.Description.ObjectId] = new JsonObject { ["platform"] = gone.Description.Component };
                    }
                }
            }

            var registration = new Registration(announced);
            foreach (var entity in announced.Entities)
            {
                if (entity.Description.OnCommand is not { } handler)
                {
                    continue;
                }

                foreach (var commandTopic in entity.CommandTopics.DistinctBy(c => c.Topic))
                {
                    var deviceId = device.Id;
                    var description = entity.Description;
                    var key = commandTopic.Key;
                    registration.Subscriptions.Add(await _client.SubscribeAsync(commandTopic.Topic, (message, _) =>
                    {
                        var command = new DeviceCommand(deviceId, description.ObjectId, description.Component, message.Topic, key, Encoding.UTF8.GetString(message.Payload.Span), message.Retain);
                        Log.CommandReceived(_logger, deviceId, description.ObjectId, message.Topic, command.Payload);
                        _commands.Writer.TryWrite((command, handler));
                        return ValueTask.CompletedTask;
                    }, Qos.AtLeastOnce, cancellationToken).ConfigureAwait(false));
                }
            }

            lock (_gate)
            {
                _devices[device.Id] = registration;
            }

            await PublishConfigsAsync(announced, cancellationToken).ConfigureAwait(false);
            Log.DeviceAnnounced(_logger, device.Id, announced.Entities.Count);
        }
        finally
        {
            _announce.Release();
        }
    }

    /// <summary>Publishes an entity's state to its state topic (QoS 1, retained per <see cref="EntityDescription.RetainState"/>).
    /// The last state is re-sent when Home Assistant restarts.</summary>
    /// <exception cref="KeyNotFoundException">No such announced device/entity.</exception>
    /// <exception cref="InvalidOperationException">The entity has no state topic.</exception>
    public Task PublishStateAsync(string deviceId, string objectId, string payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var entity = Find(deviceId, objectId);
        var topic = entity.StateTopic ?? throw new InvalidOperationException($"Entity '{objectId}' of device '{deviceId}' has no state topic.");
        lock (_gate)
        {
            _lastStates[(deviceId, objectId)] = payload;
        }

        return _client.PublishAsync(topic, payload, Qos.AtLeastOnce, entity.Description.RetainState, cancellationToken);
    }

    /// <summary>Publishes a JSON state as it is: <c>new JsonObject { ["state"] = "ON", ["brightness"] = 128 }</c>
    /// (trimming and Native AOT safe).</summary>
    public Task PublishStateAsync(string deviceId, string objectId, JsonNode state, CancellationToken cancellationToken = default) =>
        PublishStateAsync(deviceId, objectId, (state ?? throw new ArgumentNullException(nameof(state))).ToJsonString(), cancellationToken);

    /// <summary>Publishes an object as a JSON state (snake_case names): <c>new { state = "ON", brightness = 128 }</c>.
    /// Serializes with reflection; under trimming or Native AOT pass a <see cref="JsonNode"/> or a string instead.</summary>
    [RequiresUnreferencedCode(ReflectionJson)]
    [RequiresDynamicCode(ReflectionJson)]
    public Task PublishStateAsync(string deviceId, string objectId, object state, CancellationToken cancellationToken = default) =>
        PublishStateAsync(deviceId, objectId, ToJson(state), cancellationToken);

    /// <summary>Publishes attributes, a JSON object as it is, to the entity's <c>json_attributes_topic</c> (see
    /// <see cref="EntityDescription.HasAttributes"/>); trimming and Native AOT safe.</summary>
    public Task PublishAttributesAsync(string deviceId, string objectId, JsonNode attributes, CancellationToken cancellationToken = default) =>
        PublishAttributesCoreAsync(deviceId, objectId, (attributes ?? throw new ArgumentNullException(nameof(attributes))).ToJsonString(), cancellationToken);

    /// <summary>Publishes attributes to the entity's <c>json_attributes_topic</c> (see <see cref="EntityDescription.HasAttributes"/>).
    /// An object other than a string or JSON node is serialized with reflection (snake_case names); under trimming or
    /// Native AOT pass a <see cref="JsonNode"/> instead.</summary>
    [RequiresUnreferencedCode(ReflectionJson)]
    [RequiresDynamicCode(ReflectionJson)]
    public Task PublishAttributesAsync(string deviceId, string objectId, object attributes, CancellationToken cancellationToken = default) =>
        PublishAttributesCoreAsync(deviceId, objectId, ToJson(attributes), cancellationToken);

    private Task PublishAttributesCoreAsync(string deviceId, string objectId, string payload, CancellationToken cancellationToken)
    {
        var entity = Find(deviceId, objectId);
        var topic = entity.AttributesTopic ?? throw new InvalidOperationException($"Entity '{objectId}' of device '{deviceId}' was announced without HasAttributes.");
        return _client.PublishAsync(topic, payload, Qos.AtLeastOnce, entity.Description.RetainState, cancellationToken);
    }

    /// <summary>Removes a device from Home Assistant: empty retained configs, command subscriptions dropped.</summary>
    public async Task RemoveAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        await _announce.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Registration? registration;
            lock (_gate)
            {
                if (_devices.Remove(deviceId, out registration))
                {
                    foreach (var key in _lastStates.Keys.Where(k => k.Device == deviceId).ToList())
                    {
                        _lastStates.Remove(key);
                    }
                }
            }

            if (registration is null)
            {
                return;
            }

            await registration.DisposeSubscriptionsAsync().ConfigureAwait(false);
            var topics = registration.Device.DeviceConfigTopic is { } deviceTopic ? [deviceTopic] : registration.Device.Entities.Select(e => e.ConfigTopic);
            foreach (var topic in topics)
            {
                await _client.PublishAsync(topic, ReadOnlyMemory<byte>.Empty, Qos.AtLeastOnce, retain: true, cancellationToken).ConfigureAwait(false);
            }

            Log.DeviceRemoved(_logger, deviceId);
        }
        finally
        {
            _announce.Release();
        }
    }

    /// <summary>Publishes every config and last state again (what the birth message triggers).</summary>
    public async Task ReannounceAsync(CancellationToken cancellationToken = default)
    {
        await _announce.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            List<Registration> devices;
            List<KeyValuePair<(string Device, string Entity), string>> states;
            lock (_gate)
            {
                devices = [.. _devices.Values];
                states = [.. _lastStates];
            }

            foreach (var device in devices)
            {
                await PublishConfigsAsync(device.Device, cancellationToken).ConfigureAwait(false);
            }

            foreach (var ((deviceId, objectId), payload) in states)
            {
                var entity = devices.FirstOrDefault(d => d.Device.Description.Id == deviceId)?.Device.Find(objectId);
                if (entity?.StateTopic is { } topic)
                {
                    await _client.PublishAsync(topic, payload, Qos.AtLeastOnce, entity.Description.RetainState, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _announce.Release();
        }
    }

    /// <summary>Stops listening (birth and commands) and finishes the queued commands (for up to 5 s, then cancels
    /// them). Configs stay on the broker;
    /// Home Assistant sees the entities go unavailable through the client's health when it shuts down.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_birth is not null)
        {
            await _birth.DisposeAsync().ConfigureAwait(false);
        }

        List<Registration> devices;
        lock (_gate)
        {
            devices = [.. _devices.Values];
        }

        foreach (var device in devices)
        {
            await device.DisposeSubscriptionsAsync().ConfigureAwait(false);
        }

        try
        {
            await _reannounce.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Already logged by the re-announce task.
        }

        // Let queued commands finish, but not forever: a handler stuck on a publish is cancelled.
        _commands.Writer.TryComplete();
        try
        {
            await _commandTask.WaitAsync(CommandDrainTimeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            await _commandTask.ConfigureAwait(false);
        }

        _stopping.Dispose();
        _announce.Dispose();
    }

    private async Task EnsureBirthSubscriptionAsync(CancellationToken cancellationToken)
    {
        if (_birth is not null)
        {
            return;
        }

        _birth = await _client.SubscribeAsync(_options.BirthTopic, (message, _) =>
        {
            var payload = message.PayloadAsString();
            if (payload != _options.BirthPayload)
            {
                return ValueTask.CompletedTask;
            }

            int count;
            lock (_gate)
            {
                count = _devices.Count;
                Interlocked.Increment(ref _reannouncements);
                var previous = _reannounce;
                _reannounce = Task.Run(async () =>
                {
                    await previous.ConfigureAwait(false);
                    try
                    {
                        await ReannounceAsync(_stopping.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
                    {
                        Log.ReannounceFailed(_logger, ex);
                    }
                });
            }

            Log.Reannouncing(_logger, message.Topic, payload, count);
            return ValueTask.CompletedTask;
        }, Qos.AtLeastOnce, cancellationToken).ConfigureAwait(false);
    }

    private async Task PublishConfigsAsync(AnnouncedDevice device, CancellationToken cancellationToken)
    {
        if (device.DeviceConfigTopic is { } topic)
        {
            await _client.PublishAsync(topic, device.DeviceConfig!.ToJsonString(), Qos.AtLeastOnce, retain: true, cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var entity in device.Entities)
        {
            await _client.PublishAsync(entity.ConfigTopic, entity.Config.ToJsonString(), Qos.AtLeastOnce, retain: true, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunCommandsAsync()
    {
        await foreach (var (command, handler) in _commands.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await handler(command, _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.CommandHandlerFailed(_logger, command.DeviceId, command.ObjectId, command.Topic, ex);
            }
        }
    }

    private AnnouncedEntity Find(string deviceId, string objectId)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        ArgumentNullException.ThrowIfNull(objectId);
        lock (_gate)
        {
            return _devices.TryGetValue(deviceId, out var device) && device.Device.Find(objectId) is { } entity
                ? entity
                : throw new KeyNotFoundException($"No entity '{objectId}' of an announced device '{deviceId}'.");
        }
    }

    [RequiresUnreferencedCode(ReflectionJson)]
    [RequiresDynamicCode(ReflectionJson)]
    private static string ToJson(object value) => value switch
    {
        string text => text,
        JsonNode node => node.ToJsonString(),
        JsonElement element => element.GetRawText(),
        _ => JsonSerializer.Serialize(value, value.GetType(), StateJson),
    };

    private sealed class Registration(AnnouncedDevice device)
    {
        public AnnouncedDevice Device { get; } = device;

        public List<Subscription> Subscriptions { get; } = [];

        public async Task DisposeSubscriptionsAsync()
        {
            foreach (var subscription in Subscriptions)
            {
                await subscription.DisposeAsync().ConfigureAwait(false);
            }

            Subscriptions.Clear();
        }
    }
}
