using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.HomeAssistant;

namespace Switchboard.Simulator;

/// <summary>Settings of a <see cref="SimulatedHome"/>.</summary>
public sealed class SimulatedHomeOptions
{
    /// <summary>Discovery prefix and topic prefix for the devices' topics (the publisher's options).</summary>
    public HomeAssistantOptions HomeAssistant { get; set; } = new();

    /// <summary>Prefix of each device's availability topic: <c>&lt;prefix&gt;/&lt;device id&gt;/availability</c>.</summary>
    public string AvailabilityPrefix { get; set; } = "simulator";

    /// <summary>Overrides the home's update interval.</summary>
    public TimeSpan? UpdateInterval { get; set; }
}

/// <summary>
/// A simulated home on an MQTT broker: every device announces itself through Home Assistant discovery
/// (<see cref="HomeAssistantDevicePublisher"/>), publishes its state, obeys commands (and publishes the new state),
/// and changes over time in an update loop driven by the <see cref="TimeProvider"/>. Devices can be taken offline or
/// made to misbehave.
/// </summary>
/// <remarks>
/// Each entity's availability is its device's own topic (<c>simulator/&lt;device&gt;/availability</c>, retained) and,
/// when the client was created with <see cref="SwitchboardOptions.EnableHealth"/>, also the client's health (both must
/// be online), so a crash of the simulator makes every device unavailable.
/// </remarks>
public sealed class SimulatedHome : IAsyncDisposable
{
    private readonly SwitchboardClient _client;
    private readonly SimulatedHomeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, SimulatedDevice> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Device, string Entity), string> _published = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _publishing = new(1, 1);
    private readonly List<Task> _delayed = [];
    private HomeAssistantDevicePublisher? _publisher;
    private CancellationTokenSource? _stopping;
    private Task _loop = Task.CompletedTask;
    private long _commandsDropped;
    private long _statesPublished;
    private int _stopped;

    /// <summary>Creates the home's devices (nothing is published until <see cref="StartAsync"/>).</summary>
    public SimulatedHome(SwitchboardClient client, HomeDefinition? home = null, SimulatedHomeOptions? options = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        Definition = home ?? DefaultHome.Create();
        Definition.Validate();
        _options = options ?? new SimulatedHomeOptions();
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Switchboard.Simulator");
        LoggerFactory = loggerFactory;
        var seed = new Random(Definition.Seed ?? Random.Shared.Next());
        foreach (var definition in Definition.Devices)
        {
            _devices[definition.Id] = SimulatedDevice.Create(definition, _time, new Random(seed.Next()));
        }

        UpdateInterval = _options.UpdateInterval ?? TimeSpan.FromSeconds(Definition.UpdateInterval);
    }

    /// <summary>What the home was created from.</summary>
    public HomeDefinition Definition { get; }

    /// <summary>The devices, in the order of the home file.</summary>
    public IReadOnlyList<SimulatedDevice> Devices => [.. Definition.Devices.Select(d => _devices[d.Id])];

    /// <summary>Time between simulation steps.</summary>
    public TimeSpan UpdateInterval { get; }

    /// <summary>True between <see cref="StartAsync"/> and <see cref="StopAsync"/>.</summary>
    public bool IsRunning => _stopping is { IsCancellationRequested: false };

    /// <summary>Commands ignored because the device was offline or dropping commands.</summary>
    public long CommandsDropped => Interlocked.Read(ref _commandsDropped);

    /// <summary>State messages published.</summary>
    public long StatesPublished => Interlocked.Read(ref _statesPublished);

    private ILoggerFactory? LoggerFactory { get; }

    /// <summary>A device by id.</summary>
    /// <exception cref="KeyNotFoundException">No such device; the message lists the ids.</exception>
    public SimulatedDevice GetDevice(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _devices.TryGetValue(id, out var device)
            ? device
            : throw new KeyNotFoundException($"No simulated device '{id}'. Devices: {string.Join(", ", _devices.Keys)}.");
    }

    /// <summary>The availability topic of a device.</summary>
    public string AvailabilityTopic(string deviceId) => $"{_options.AvailabilityPrefix}/{deviceId}/availability";

    /// <summary>Announces every device, publishes availability and state, and starts the update loop.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_publisher is not null)
        {
            throw new InvalidOperationException("The simulated home is already started.");
        }

        _publisher = new HomeAssistantDevicePublisher(_client, _options.HomeAssistant, LoggerFactory, _time);
        foreach (var device in Devices)
        {
            await _client.PublishAsync(AvailabilityTopic(device.Id), device.IsOnline ? "online" : "offline", Qos.AtLeastOnce, retain: true, cancellationToken).ConfigureAwait(false);
            await AnnounceAsync(device, cancellationToken).ConfigureAwait(false);
            await PublishStatesAsync(device, force: true, cancellationToken).ConfigureAwait(false);
        }

        _stopping = new CancellationTokenSource();
        _loop = Task.Run(() => RunLoopAsync(_stopping.Token), CancellationToken.None);
    }

    /// <summary>
    /// Advances every device to now and publishes the states that changed. The update loop calls this every
    /// <see cref="UpdateInterval"/>; tests driving a fake clock may call it directly.
    /// </summary>
    public async Task StepAsync(CancellationToken cancellationToken = default)
    {
        foreach (var device in Devices)
        {
            device.Update();
            await PublishStatesAsync(device, force: false, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Takes a device offline (its availability says <c>offline</c>, it ignores commands and publishes nothing) or back online (state republished).</summary>
    public async Task SetOfflineAsync(string id, bool offline, CancellationToken cancellationToken = default)
    {
        var device = GetDevice(id);
        device.IsOnline = !offline;
        if (_publisher is null)
        {
            return;
        }

        await _client.PublishAsync(AvailabilityTopic(id), offline ? "offline" : "online", Qos.AtLeastOnce, retain: true, cancellationToken).ConfigureAwait(false);
        if (!offline)
        {
            await PublishStatesAsync(device, force: true, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Fire-and-forget form of <see cref="SetOfflineAsync"/>.</summary>
    public void SetOffline(string id, bool offline) => Observe(SetOfflineAsync(id, offline));

    /// <summary>
    /// Sets how a device misbehaves. Malformed discovery replaces its retained configs with invalid JSON at once;
    /// clearing it announces the device again. Malformed state takes effect with the next state message.
    /// </summary>
    public async Task SetMisbehaviourAsync(string id, Misbehaviour misbehaviour, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(misbehaviour);
        misbehaviour.Validate();
        var device = GetDevice(id);
        var previous = device.Misbehaviour;
        device.Misbehaviour = misbehaviour;
        if (_publisher is null)
        {
            return;
        }

        if (misbehaviour.MalformedDiscovery && !previous.MalformedDiscovery)
        {
            foreach (var entity in device.Entities)
            {
                var topic = $"{_options.HomeAssistant.DiscoveryPrefix}/{entity.Component}/{device.Id}/{entity.ObjectId}/config";
                await _client.PublishAsync(topic, $"{{\"name\": \"{device.Name}\", \"unique_id\": \"{device.Id}_{entity.ObjectId}\", \"state_topic\": ", Qos.AtLeastOnce, retain: true, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (!misbehaviour.MalformedDiscovery && previous.MalformedDiscovery)
        {
            await AnnounceAsync(device, cancellationToken).ConfigureAwait(false);
            await PublishStatesAsync(device, force: true, cancellationToken).ConfigureAwait(false);
        }
        else if (misbehaviour.MalformedState && !previous.MalformedState)
        {
            await PublishStatesAsync(device, force: true, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Fire-and-forget form of <see cref="SetMisbehaviourAsync"/>.</summary>
    public void SetMisbehaviour(string id, Misbehaviour misbehaviour) => Observe(SetMisbehaviourAsync(id, misbehaviour));

    /// <summary>Stops the update loop and marks every device offline (the retained configs stay).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopping is null || Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        Task[] delayed;
        lock (_gate)
        {
            delayed = [.. _delayed];
        }

        await Task.WhenAll(delayed).ConfigureAwait(false);
        if (_client.State == ConnectionState.Connected)
        {
            foreach (var device in Devices)
            {
                await _client.PublishAsync(AvailabilityTopic(device.Id), "offline", Qos.AtLeastOnce, retain: true, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await StopAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SwitchboardException)
        {
            Log.StopFailed(_logger, ex);
        }

        if (_publisher is not null)
        {
            await _publisher.DisposeAsync().ConfigureAwait(false);
        }

        _stopping?.Dispose();
        _publishing.Dispose();
    }

    private Task AnnounceAsync(SimulatedDevice device, CancellationToken cancellationToken) =>
        _publisher!.AnnounceAsync(device.CreateDescription(AvailabilityTopic(device.Id), (command, ct) => OnCommandAsync(device, command, ct)), cancellationToken);

    private async ValueTask OnCommandAsync(SimulatedDevice device, DeviceCommand command, CancellationToken cancellationToken)
    {
        if (!device.IsOnline || device.Misbehaviour.DropCommands)
        {
            Interlocked.Increment(ref _commandsDropped);
            Log.CommandDropped(_logger, device.Id, command.ObjectId, command.Payload, device.IsOnline ? "dropping commands" : "offline");
            return;
        }

        if (!device.HandleCommand(command.ObjectId, command.TopicKey, command.Payload))
        {
            Log.CommandNotUnderstood(_logger, device.Id, command.ObjectId, command.TopicKey, command.Payload);
            return;
        }

        Log.CommandApplied(_logger, device.Id, command.ObjectId, command.Payload, device.Summary);
        await PublishStatesAsync(device, force: false, cancellationToken).ConfigureAwait(false);
    }

    private async Task PublishStatesAsync(SimulatedDevice device, bool force, CancellationToken cancellationToken)
    {
        if (!device.IsOnline || _publisher is null)
        {
            return;
        }

        var misbehaviour = device.Misbehaviour;
        var changes = new List<(string ObjectId, string Payload)>();

        // One publisher at a time, from reading the state to its PUBACK: a step and a command never overtake each other.
        await _publishing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var entity in device.Entities)
            {
                if (device.GetState(entity.ObjectId) is not { } state)
                {
                    continue;
                }

                lock (_gate)
                {
                    if (!force && _published.TryGetValue((device.Id, entity.ObjectId), out var last) && last == state)
                    {
                        continue;
                    }

                    _published[(device.Id, entity.ObjectId)] = state;
                }

                changes.Add((entity.ObjectId, misbehaviour.MalformedState ? device.GetMalformedState(entity.ObjectId)! : state));
            }

            if (changes.Count == 0)
            {
                return;
            }

            if (misbehaviour.StateDelay <= TimeSpan.Zero)
            {
                await PublishAsync(device.Id, changes, cancellationToken).ConfigureAwait(false);
                return;
            }
        }
        finally
        {
            _publishing.Release();
        }

        var task = PublishLaterAsync(device.Id, changes, misbehaviour.StateDelay);
        lock (_gate)
        {
            _delayed.RemoveAll(t => t.IsCompleted);
            _delayed.Add(task);
        }
    }

    private async Task PublishLaterAsync(string deviceId, List<(string ObjectId, string Payload)> changes, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _stopping?.Token ?? CancellationToken.None).ConfigureAwait(false);
            await PublishAsync(deviceId, changes, CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is SwitchboardException or ObjectDisposedException or InvalidOperationException)
        {
            Log.PublishFailed(_logger, deviceId, ex);
        }
    }

    private async Task PublishAsync(string deviceId, List<(string ObjectId, string Payload)> changes, CancellationToken cancellationToken)
    {
        foreach (var (objectId, payload) in changes)
        {
            await _publisher!.PublishStateAsync(deviceId, objectId, payload, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _statesPublished);
        }
    }

    private async Task RunLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(UpdateInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await StepAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is SwitchboardException or InvalidOperationException or KeyNotFoundException)
                {
                    Log.StepFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void Observe(Task task) => task.ContinueWith(
        t => Log.StepFailed(_logger, t.Exception!.GetBaseException()),
        CancellationToken.None,
        TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
        TaskScheduler.Default);
}
