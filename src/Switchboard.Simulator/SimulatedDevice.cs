using System.Globalization;
using System.Text.Json.Nodes;
using Switchboard.HomeAssistant;

namespace Switchboard.Simulator;

/// <summary>One entity of a simulated device: its object id, component and Home Assistant style entity id.</summary>
/// <param name="ObjectId">The object id (discovery topic level; unique id is <c>&lt;device id&gt;_&lt;object id&gt;</c>).</param>
/// <param name="Component">The Home Assistant component.</param>
/// <param name="EntityId">The entity id, e.g. <c>light.kitchen</c>.</param>
/// <param name="Name">The entity's own name; null when it is named after its device.</param>
public sealed record SimulatedEntity(string ObjectId, string Component, string EntityId, string? Name);

/// <summary>
/// A simulated device: its entities, its state, how it reacts to commands and how it changes over time. Every member is
/// thread-safe; time comes from the <see cref="TimeProvider"/> it was created with, so tests can drive it with a fake
/// clock (<see cref="Update"/> advances the simulation to the provider's current time).
/// </summary>
public abstract class SimulatedDevice
{
    private readonly Lock _gate = new();
    private DateTimeOffset _last;
    private IReadOnlyList<SimulatedEntity>? _entities;
    private volatile bool _online = true;
    private volatile Misbehaviour _misbehaviour = Misbehaviour.None;

    /// <summary>Creates the device at the provider's current time.</summary>
    protected SimulatedDevice(DeviceDefinition definition, TimeProvider timeProvider, Random random)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(random);
        definition.Validate();
        Definition = definition;
        Time = timeProvider;
        Random = random;
        _last = timeProvider.GetUtcNow();
    }

    /// <summary>What the device was created from.</summary>
    public DeviceDefinition Definition { get; }

    /// <summary>The device id.</summary>
    public string Id => Definition.Id;

    /// <summary>The display name.</summary>
    public string Name => Definition.DisplayName;

    /// <summary>The device type (<see cref="DeviceTypes"/>).</summary>
    public string Type => Definition.Type;

    /// <summary>False while the device is offline: its availability says <c>offline</c>, it publishes nothing and ignores commands.</summary>
    public bool IsOnline
    {
        get => _online;
        internal set => _online = value;
    }

    /// <summary>How the device currently misbehaves.</summary>
    public Misbehaviour Misbehaviour
    {
        get => _misbehaviour;
        internal set => _misbehaviour = value ?? Misbehaviour.None;
    }

    /// <summary>Commands applied since the start.</summary>
    public long CommandsHandled { get; private set; }

    /// <summary>The device's entities.</summary>
    public IReadOnlyList<SimulatedEntity> Entities => _entities ??= [.. DescribeEntities(null).Select(e =>
        new SimulatedEntity(e.ObjectId, e.Component, EntityIds.Create(e.Component, Name, e.Name, e.ObjectId), e.Name))];

    /// <summary>A one-line summary of the state, e.g. <c>on, 61.3 W</c>.</summary>
    public string Summary
    {
        get
        {
            lock (_gate)
            {
                return DescribeState();
            }
        }
    }

    /// <summary>The clock.</summary>
    protected TimeProvider Time { get; }

    /// <summary>This device's random generator (used under the device's lock only).</summary>
    protected Random Random { get; }

    /// <summary>Creates the simulated device for a definition's <see cref="DeviceDefinition.Type"/>.</summary>
    public static SimulatedDevice Create(DeviceDefinition definition, TimeProvider? timeProvider = null, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var time = timeProvider ?? TimeProvider.System;
        var rng = random ?? new Random();
        return definition.Type switch
        {
            DeviceTypes.Light => new SimulatedLight(definition, time, rng),
            DeviceTypes.Switch => new SimulatedSwitch(definition, time, rng),
            DeviceTypes.Plug => new SimulatedPlug(definition, time, rng),
            DeviceTypes.Sensor => new SimulatedClimateSensor(definition, time, rng),
            DeviceTypes.Thermostat => new SimulatedThermostat(definition, time, rng),
            DeviceTypes.Cover => new SimulatedCover(definition, time, rng),
            DeviceTypes.Lock => new SimulatedLock(definition, time, rng),
            DeviceTypes.Motion => new SimulatedMotionSensor(definition, time, rng),
            DeviceTypes.Fan => new SimulatedFan(definition, time, rng),
            DeviceTypes.Doorbell => new SimulatedDoorbell(definition, time, rng),
            _ => throw new ArgumentException($"Unknown device type '{definition.Type}'.", nameof(definition)),
        };
    }

    /// <summary>
    /// Applies a command as Home Assistant would send it: the entity's object id, the config key of the command topic
    /// (<c>command_topic</c>, <c>set_position_topic</c>, <c>mode_command_topic</c> …) and the payload. The simulation is
    /// first advanced to now. Returns false when the command is not understood (nothing changes).
    /// </summary>
    public bool HandleCommand(string objectId, string topicKey, string payload)
    {
        ArgumentNullException.ThrowIfNull(objectId);
        ArgumentNullException.ThrowIfNull(topicKey);
        ArgumentNullException.ThrowIfNull(payload);
        lock (_gate)
        {
            AdvanceLocked();
            var applied = ApplyCommand(objectId, topicKey, payload.Trim());
            if (applied)
            {
                CommandsHandled++;
            }

            return applied;
        }
    }

    /// <summary>Advances the simulation to the clock's current time.</summary>
    public void Update()
    {
        lock (_gate)
        {
            AdvanceLocked();
        }
    }

    /// <summary>The state payload of an entity (null for stateless entities such as buttons).</summary>
    public string? GetState(string objectId)
    {
        ArgumentNullException.ThrowIfNull(objectId);
        lock (_gate)
        {
            return StateOf(objectId);
        }
    }

    /// <summary>A malformed version of an entity's state: truncated JSON, or text where a value belongs.</summary>
    public string? GetMalformedState(string objectId) => GetState(objectId) switch
    {
        null => null,
        { Length: > 1 } json when json.StartsWith('{') => json[..(json.Length / 2)],
        var text => "#ERR " + text + " ?",
    };

    /// <inheritdoc/>
    public override string ToString() => $"{Type} {Id} ({Name}): {Summary}";

    internal DeviceDescription CreateDescription(string availabilityTopic, DeviceCommandHandler handler) => new()
    {
        Id = Id,
        Name = Name,
        Manufacturer = Definition.Manufacturer ?? "Switchboard",
        Model = Definition.Model ?? $"Simulated {Type}",
        SuggestedArea = Definition.Area,
        SwVersion = "sim-1.0",
        Entities = [.. DescribeEntities(handler).Select(e => WithAvailability(e, availabilityTopic))],
    };

    /// <summary>The entities' descriptions; <paramref name="handler"/> goes to every entity that takes commands.</summary>
    protected abstract IEnumerable<EntityDescription> DescribeEntities(DeviceCommandHandler? handler);

    /// <summary>Applies one command (under the lock, after advancing to now).</summary>
    protected abstract bool ApplyCommand(string objectId, string topicKey, string payload);

    /// <summary>Advances the simulation by <paramref name="elapsed"/> (under the lock).</summary>
    protected virtual void Advance(TimeSpan elapsed, DateTimeOffset now)
    {
    }

    /// <summary>The state payload of an entity (under the lock).</summary>
    protected abstract string? StateOf(string objectId);

    /// <summary>The one-line summary (under the lock).</summary>
    protected abstract string DescribeState();

    /// <summary>A standard normal sample.</summary>
    protected double Gaussian()
    {
        var u1 = 1.0 - Random.NextDouble();
        var u2 = Random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Invariant-culture number text.</summary>
    protected static string Format(double value, string format = "0.#") => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Parses an invariant-culture number.</summary>
    protected static double? ParseNumber(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null;

    private void AdvanceLocked()
    {
        var now = Time.GetUtcNow();
        var elapsed = now - _last;
        if (elapsed <= TimeSpan.Zero)
        {
            return;
        }

        _last = now;
        Advance(elapsed, now);
    }

    private static EntityDescription WithAvailability(EntityDescription entity, string availabilityTopic)
    {
        var config = (JsonObject?)entity.Config?.DeepClone() ?? [];
        config["availability"] = new JsonArray(new JsonObject { ["topic"] = availabilityTopic });
        return new EntityDescription
        {
            Component = entity.Component,
            ObjectId = entity.ObjectId,
            Name = entity.Name,
            UniqueId = entity.UniqueId,
            DeviceClass = entity.DeviceClass,
            UnitOfMeasurement = entity.UnitOfMeasurement,
            StateClass = entity.StateClass,
            Icon = entity.Icon,
            EntityCategory = entity.EntityCategory,
            StateTopic = entity.StateTopic,
            CommandTopic = entity.CommandTopic,
            HasAttributes = entity.HasAttributes,
            RetainState = entity.RetainState,
            Config = config,
            OnCommand = entity.OnCommand,
        };
    }
}
