using Microsoft.Extensions.Time.Testing;
using Switchboard.HomeAssistant;
using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.Simulator.Tests;

/// <summary>
/// A simulated home on a real Mosquitto, seen by a <see cref="HomeAssistantRegistry"/>: misbehaving devices are
/// counted and do not corrupt state, offline devices flip availability. The home runs on a fake clock so only
/// what a test asks for is published.
/// </summary>
public sealed class SimulatedHomeRegistryTests : IAsyncLifetime
{
    private readonly MosquittoBroker _broker = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private SwitchboardClient _homeClient = null!;
    private SwitchboardClient _brainClient = null!;
    private SimulatedHome _home = null!;
    private HomeAssistantRegistry _registry = null!;

    public async Task InitializeAsync()
    {
        await _broker.StartAsync();
        _homeClient = new SwitchboardClient(new SwitchboardOptions { Url = _broker.Url, ClientId = $"sim-{Guid.NewGuid():N}", EnableHealth = true });
        await _homeClient.ConnectAsync();
        var home = new HomeDefinition
        {
            Name = "Test home",
            Seed = 1,
            Devices =
            [
                new DeviceDefinition { Id = "kitchen", Name = "Kitchen", Type = DeviceTypes.Light, Brightness = true, ColorTemp = true },
                new DeviceDefinition { Id = "plug", Name = "Plug", Type = DeviceTypes.Plug, Watts = 60 },
            ],
        };
        _home = new SimulatedHome(_homeClient, home, timeProvider: _time);
        await _home.StartAsync();

        _brainClient = new SwitchboardClient(new SwitchboardOptions { Url = _broker.Url, ClientId = $"brain-{Guid.NewGuid():N}" });
        await _brainClient.ConnectAsync();
        _registry = new HomeAssistantRegistry(_brainClient);
        await _registry.StartAsync();
        await Eventually.WaitAsync(
            () => _registry.TryGetEntity("kitchen_light", out var light) && light.IsAvailable && light.State.IsOn == false
                && _registry.TryGetEntity("plug_relay", out var relay) && relay.IsAvailable && relay.State.IsOn == false,
            "the simulated light and plug are discovered, available and off");
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        await _brainClient.DisposeAsync();
        await _home.DisposeAsync();
        await _homeClient.DisposeAsync();
        await _broker.DisposeAsync();
    }

    [Fact]
    public async Task Commands_through_the_registry_change_the_simulated_device_and_its_reported_state()
    {
        var light = _registry.GetEntity("kitchen_light");
        await light.AsLight().TurnOnAsync(new LightCommand { Brightness = 128, ColorTempKelvin = 2700 });
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        var state = await light.WaitForStateAsync(s => s.IsOn == true && s.Brightness == 128, timeout.Token);
        Assert.Equal(2700, state.ColorTempKelvin);
        var device = (SimulatedLight)_home.GetDevice("kitchen");
        Assert.True(device.IsOn);

        await _registry.GetEntity("plug_relay").AsSwitch().TurnOnAsync();
        var power = _registry.GetEntity("plug_power");
        await Eventually.WaitAsync(() => power.State.NumericValue > 40, "the power sensor follows the plug");
    }

    [Fact]
    public async Task Malformed_state_is_counted_by_the_registry_and_leaves_the_state_unchanged()
    {
        var light = _registry.GetEntity("kitchen_light");
        var before = light.State;
        var invalid = _registry.GetStats().InvalidStatePayloads;

        await _home.SetMisbehaviourAsync("kitchen", new Misbehaviour { MalformedState = true });
        await Eventually.WaitAsync(() => _registry.GetStats().InvalidStatePayloads > invalid, "the truncated JSON state is counted");
        Assert.Equal(before.IsOn, light.State.IsOn);
        Assert.Equal(before.Brightness, light.State.Brightness);
        Assert.Equal(before.Value, light.State.Value);
    }

    [Fact]
    public async Task Malformed_discovery_config_is_rejected_and_counted_and_a_fix_announces_again()
    {
        var rejected = _registry.GetStats().RejectedByReason.GetValueOrDefault(RejectionReason.InvalidJson);

        await _home.SetMisbehaviourAsync("plug", new Misbehaviour { MalformedDiscovery = true });
        await Eventually.WaitAsync(
            () => _registry.GetStats().RejectedByReason.GetValueOrDefault(RejectionReason.InvalidJson) >= rejected + 3,
            "the three malformed plug configs are rejected as invalid JSON");
        Assert.Contains(_registry.Rejections, r => r.ToString().Contains("plug", StringComparison.Ordinal));

        // A registry that starts now sees only the broken retained configs: no plug entities.
        await using var lateClient = new SwitchboardClient(new SwitchboardOptions { Url = _broker.Url, ClientId = $"late-{Guid.NewGuid():N}" });
        await lateClient.ConnectAsync();
        await using var late = new HomeAssistantRegistry(lateClient);
        await late.StartAsync();
        await Eventually.WaitAsync(() => late.TryGetEntity("kitchen_light", out _) && late.GetStats().Rejected >= 3, "the late registry rejects the plug");
        Assert.False(late.TryGetEntity("plug_relay", out _));

        await _home.SetMisbehaviourAsync("plug", Misbehaviour.None);
        await Eventually.WaitAsync(() => late.TryGetEntity("plug_relay", out var relay) && relay.IsAvailable, "the plug is announced again");
    }

    [Fact]
    public async Task Dropped_commands_leave_the_device_unchanged()
    {
        await _home.SetMisbehaviourAsync("plug", new Misbehaviour { DropCommands = true });
        await _registry.GetEntity("plug_relay").AsSwitch().TurnOnAsync();
        await Eventually.WaitAsync(() => _home.CommandsDropped == 1, "the command is dropped");
        Assert.False(((SimulatedPlug)_home.GetDevice("plug")).IsOn);
        Assert.False(_registry.GetEntity("plug_relay").State.IsOn);
    }

    [Fact]
    public async Task A_device_going_offline_flips_the_availability_of_its_entities_only()
    {
        var relay = _registry.GetEntity("plug_relay");
        var power = _registry.GetEntity("plug_power");
        var light = _registry.GetEntity("kitchen_light");

        await _home.SetOfflineAsync("plug", offline: true);
        await Eventually.WaitAsync(() => !relay.IsAvailable && !power.IsAvailable, "the plug's entities are unavailable");
        Assert.True(light.IsAvailable);

        // Offline devices ignore commands.
        await relay.AsSwitch().TurnOnAsync();
        await Eventually.WaitAsync(() => _home.CommandsDropped == 1, "the command to the offline plug is dropped");

        await _home.SetOfflineAsync("plug", offline: false);
        await Eventually.WaitAsync(() => relay.IsAvailable && power.IsAvailable, "the plug is back");
    }

    [Fact]
    public async Task Delayed_state_arrives_only_after_the_delay_on_the_devices_clock()
    {
        await _home.SetMisbehaviourAsync("plug", new Misbehaviour { StateDelay = TimeSpan.FromSeconds(30) });
        var relay = _registry.GetEntity("plug_relay");
        await relay.AsSwitch().TurnOnAsync();
        var device = (SimulatedPlug)_home.GetDevice("plug");
        await Eventually.WaitAsync(() => device.IsOn, "the plug switched on");
        Assert.NotEqual(true, relay.State.IsOn);

        // The delayed publish may still be scheduling its timer: keep the fake clock moving until it fires.
        await Eventually.WaitAsync(
            () =>
            {
                _time.Advance(TimeSpan.FromSeconds(30));
                return relay.State.IsOn == true;
            },
            "the delayed state arrives");
    }
}
