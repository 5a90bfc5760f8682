using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.HomeAssistant.Tests.Support;
using Switchboard.IntegrationTests.Faults;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.HomeAssistant.Tests.Integration;

/// <summary>A service announcing its devices, seen by a registry on another connection (as Home Assistant would).</summary>
public sealed class DevicePublisherTests
{
    private const string DeviceId = "kitchen_node";

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task An_announced_device_is_discovered_controlled_and_reports_its_new_state(string brokerName)
    {
        using var budget = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var service = await Clients.ConnectAsync(broker, "kitchen-service");
        var publisher = new HomeAssistantDevicePublisher(service);
        var commands = new ConcurrentQueue<DeviceCommand>();
        await publisher.AnnounceAsync(Kitchen(publisher, commands), cancellationToken: budget.Token);
        await publisher.PublishStateAsync(DeviceId, "temperature", "21.5", cancellationToken: budget.Token);
        await publisher.PublishStateAsync(DeviceId, "ceiling", new { State = "OFF" }, cancellationToken: budget.Token);
        await publisher.PublishStateAsync(DeviceId, "plug", "OFF", cancellationToken: budget.Token);

        await using var home = await Clients.ConnectAsync(broker, "home-assistant", health: false);
        await using var registry = new HomeAssistantRegistry(home);
        await registry.StartAsync(cancellationToken: budget.Token);
        var ceiling = await registry.WaitForEntityAsync("kitchen_node_ceiling", cancellationToken: budget.Token).WithTimeout("the announced light");
        var plug = await registry.WaitForEntityAsync("kitchen_node_plug", cancellationToken: budget.Token).WithTimeout("the announced switch");
        var temperature = await registry.WaitForEntityAsync("kitchen_node_temperature", cancellationToken: budget.Token).WithTimeout("the announced sensor");
        await Eventually.WaitAsync(() => ceiling.IsAvailable && plug.IsAvailable && temperature.IsAvailable, "the service's health says ready");
        await Eventually.WaitAsync(() => temperature.State.NumericValue == 21.5 && ceiling.State.IsOn == false && plug.State.IsOn == false, "the retained states");
        Assert.Equal("°C", temperature.State.Unit);
        Assert.Equal("json", ceiling.Schema);
        var device = registry.GetDevice(DeviceId)!;
        Assert.Equal(3, device.Entities.Count);
        Assert.Equal("Kitchen", device.Name);
        Assert.Equal("DIY", device.Info.Manufacturer);
        Assert.Equal(new OriginInfo("Switchboard", ceiling.Origin!.SwVersion, null), ceiling.Origin);

        await ceiling.AsLight().TurnOnAsync(new LightCommand { Brightness = 128 }, cancellationToken: budget.Token);
        await Eventually.WaitAsync(() => ceiling.State.IsOn == true && ceiling.State.Brightness == 128, "the light reports the new state");
        Assert.Equal("""{"state":"ON","brightness":128}""", commands.Single(c => c.ObjectId == "ceiling").Payload);

        await plug.AsSwitch().TurnOnAsync(cancellationToken: budget.Token);
        await Eventually.WaitAsync(() => plug.State.IsOn == true, "the switch reports on");
        Assert.Equal("command_topic", commands.Single(c => c.ObjectId == "plug").TopicKey);

        // A graceful shutdown publishes ok:false health: Home Assistant shows the entities unavailable.
        await publisher.DisposeAsync();
        await service.DisposeAsync();
        await Eventually.WaitAsync(() => !ceiling.IsAvailable && !plug.IsAvailable && !temperature.IsAvailable, "the shutdown health makes the entities unavailable");
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task A_crash_makes_the_entities_unavailable_through_the_will(string brokerName)
    {
        using var budget = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var proxy = TcpFaultProxy.For(broker);
        var service = new SwitchboardClient(new SwitchboardOptions
        {
            Url = proxy.Url,
            ClientId = "crashing-service",
            EnableHealth = true,
            KeepAlive = TimeSpan.FromSeconds(5),
            DrainTimeout = TimeSpan.FromMilliseconds(200),
        });
        await service.ConnectAsync(cancellationToken: budget.Token);
        var publisher = new HomeAssistantDevicePublisher(service);
        await publisher.AnnounceAsync(new DeviceDescription
        {
            Id = "crashy",
            Entities = { new EntityDescription { Component = HomeAssistantComponents.BinarySensor, ObjectId = "motion", Name = "Motion" } },
        }, cancellationToken: budget.Token);

        await using var home = await Clients.ConnectAsync(broker, "home-assistant", health: false);
        await using var registry = new HomeAssistantRegistry(home);
        await registry.StartAsync(cancellationToken: budget.Token);
        var motion = await registry.WaitForEntityAsync("crashy_motion", cancellationToken: budget.Token).WithTimeout("the announced sensor");
        await Eventually.WaitAsync(() => motion.IsAvailable, "the ready health");

        // A crash: every connection reset, new ones refused, so the broker sees the client vanish without a DISCONNECT.
        proxy.RefuseNew = true;
        proxy.CutAll();

        await Eventually.WaitAsync(() => !motion.IsAvailable, "the broker publishes the will (ok:false, event lost)");
        await publisher.DisposeAsync();
        await service.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task The_configs_use_the_health_topic_for_availability_and_are_sent_again_on_home_assistants_birth(string brokerName)
    {
        using var budget = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var service = await Clients.ConnectAsync(broker, "kitchen-service");
        await using var publisher = new HomeAssistantDevicePublisher(service);
        await publisher.AnnounceAsync(Kitchen(publisher, new ConcurrentQueue<DeviceCommand>()), cancellationToken: budget.Token);
        await publisher.PublishStateAsync(DeviceId, "temperature", "19.0", cancellationToken: budget.Token);
        await using var homeAssistant = await RawMqttPeer.ConnectAsync(broker, "home-assistant");
        await homeAssistant.SubscribeAsync("homeassistant/#");
        await homeAssistant.SubscribeAsync("smarthome/#");

        var retained = await homeAssistant.WaitForAsync(m => m.Topic == "homeassistant/light/kitchen_node/ceiling/config", "the retained light config");
        Assert.True(retained.Retain);
        var config = JsonNode.Parse(retained.Payload)!.AsObject();
        Assert.Null(config["name"]);
        Assert.Equal("kitchen_node_ceiling", (string?)config["unique_id"]);
        Assert.Equal("smarthome/light/kitchen_node_ceiling", (string?)config["~"]);
        Assert.Equal("~/state", (string?)config["state_topic"]);
        Assert.Equal("~/set", (string?)config["command_topic"]);
        Assert.Equal("json", (string?)config["schema"]);
        Assert.Equal(service.HealthTopic, (string?)config["availability"]![0]!["topic"]);
        Assert.Equal("{{ 'online' if value_json.data.ok else 'offline' }}", (string?)config["availability"]![0]!["value_template"]);
        Assert.Equal("""["kitchen_node"]""", config["device"]!["identifiers"]!.ToJsonString());
        Assert.Equal("Switchboard", (string?)config["origin"]!["name"]);
        await homeAssistant.WaitForAsync(m => m.Topic == "smarthome/sensor/kitchen_node_temperature/state" && m.Payload == "19.0", "the retained state");

        homeAssistant.Clear();
        await homeAssistant.PublishAsync("homeassistant/status", "online");

        await Eventually.WaitAsync(() => publisher.Reannouncements == 1, "the birth message is noticed");
        await homeAssistant.WaitForAsync(m => m.Topic == "homeassistant/light/kitchen_node/ceiling/config" && m.Retain, "the light config again");
        await homeAssistant.WaitForAsync(m => m.Topic == "homeassistant/sensor/kitchen_node/temperature/config" && m.Retain, "the sensor config again");
        await homeAssistant.WaitForAsync(m => m.Topic == "smarthome/sensor/kitchen_node_temperature/state" && m.Payload == "19.0", "the last state again");

        homeAssistant.Clear();
        await homeAssistant.PublishAsync("homeassistant/status", "offline");
        await homeAssistant.PublishAsync("homeassistant/status", "online");
        await Eventually.WaitAsync(() => publisher.Reannouncements == 2, "only 'online' re-announces");
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task Removing_a_device_publishes_empty_retained_configs(string brokerName)
    {
        using var budget = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var service = await Clients.ConnectAsync(broker, "kitchen-service");
        await using var publisher = new HomeAssistantDevicePublisher(service);
        await publisher.AnnounceAsync(Kitchen(publisher, new ConcurrentQueue<DeviceCommand>()), cancellationToken: budget.Token);
        await using var home = await Clients.ConnectAsync(broker, "home-assistant", health: false);
        await using var registry = new HomeAssistantRegistry(home);
        await registry.StartAsync(cancellationToken: budget.Token);
        await Eventually.WaitAsync(() => registry.Entities.Count == 3, "the three entities");
        await using var observer = await RawMqttPeer.ConnectAsync(broker, "observer");
        await observer.SubscribeAsync("homeassistant/+/kitchen_node/+/config");
        await Eventually.WaitAsync(() => observer.Received.Count == 3, "the three retained configs");
        observer.Clear();

        await publisher.RemoveAsync(DeviceId, cancellationToken: budget.Token);

        await Eventually.WaitAsync(() => registry.Entities.Count == 0, "the registry removes them");

        // The observer is another connection: it may see the removals after the registry did.
        await Eventually.WaitAsync(() => observer.Received.Count(m => m.Payload.Length == 0 && m.Retain) >= 3, "the three empty retained configs");
        Assert.Equal(3, observer.Received.Count(m => m.Payload.Length == 0 && m.Retain));
        Assert.Empty(publisher.DeviceIds);

        // Nothing is left retained: a newcomer finds no config.
        await using var newcomer = await RawMqttPeer.ConnectAsync(broker, "newcomer");
        await newcomer.SubscribeAsync("homeassistant/#");
        await newcomer.PublishAsync("probe/done", "x");
        await newcomer.SubscribeAsync("probe/#");
        await newcomer.PublishAsync("probe/done", "y");
        await newcomer.WaitForAsync(m => m.Topic == "probe/done", "the probe");
        Assert.DoesNotContain(newcomer.Received, m => m.Topic.StartsWith("homeassistant/", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task A_device_can_be_announced_with_one_device_based_message(string brokerName)
    {
        using var budget = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var service = await Clients.ConnectAsync(broker, "kitchen-service");
        await using var publisher = new HomeAssistantDevicePublisher(service);
        var description = Kitchen(publisher, new ConcurrentQueue<DeviceCommand>(), deviceDiscovery: true);
        await publisher.AnnounceAsync(description, cancellationToken: budget.Token);
        await publisher.PublishStateAsync(DeviceId, "plug", "ON", cancellationToken: budget.Token);

        await using var home = await Clients.ConnectAsync(broker, "home-assistant", health: false);
        await using var registry = new HomeAssistantRegistry(home);
        await registry.StartAsync(cancellationToken: budget.Token);
        var plug = await registry.WaitForEntityAsync("kitchen_node_plug", cancellationToken: budget.Token).WithTimeout("the plug from the device message");
        Assert.Equal("homeassistant/device/kitchen_node/config", plug.DiscoveryTopic);
        await Eventually.WaitAsync(() => plug.IsAvailable && plug.State.IsOn == true, "availability and state");

        // Re-announcing without the sensor removes just that component.
        description.Entities.RemoveAt(2);
        await publisher.AnnounceAsync(description, cancellationToken: budget.Token);
        await Eventually.WaitAsync(() => !registry.TryGetEntity("kitchen_node_temperature", out _) && registry.Entities.Count == 2, "the dropped component is removed");

        await publisher.RemoveAsync(DeviceId, cancellationToken: budget.Token);
        await Eventually.WaitAsync(() => registry.Entities.Count == 0, "the empty device payload removes everything");
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task A_throwing_command_handler_is_logged_and_the_next_command_still_runs(string brokerName)
    {
        using var budget = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var service = await Clients.ConnectAsync(broker, "service");
        await using var publisher = new HomeAssistantDevicePublisher(service);
        var handled = new ConcurrentQueue<string>();
        await publisher.AnnounceAsync(new DeviceDescription
        {
            Id = "flaky",
            Entities =
            {
                new EntityDescription
                {
                    Component = HomeAssistantComponents.Button,
                    ObjectId = "restart",
                    OnCommand = (command, _) =>
                    {
                        handled.Enqueue(command.Payload);
                        return handled.Count == 1 ? throw new InvalidOperationException("first press fails") : ValueTask.CompletedTask;
                    },
                },
            },
        }, cancellationToken: budget.Token);
        await using var home = await Clients.ConnectAsync(broker, "home-assistant", health: false);
        await using var registry = new HomeAssistantRegistry(home);
        await registry.StartAsync(cancellationToken: budget.Token);
        var button = (await registry.WaitForEntityAsync("flaky_restart", cancellationToken: budget.Token).WithTimeout("the button")).AsButton();

        await button.PressAsync(cancellationToken: budget.Token);
        await button.PressAsync(cancellationToken: budget.Token);

        await Eventually.WaitAsync(() => handled.Count == 2, "both presses reach the handler");
        Assert.Equal(0, service.GetStats().HandlerErrors);
    }

    private static DeviceDescription Kitchen(HomeAssistantDevicePublisher publisher, ConcurrentQueue<DeviceCommand> commands, bool deviceDiscovery = false) => new()
    {
        Id = DeviceId,
        Name = "Kitchen",
        Manufacturer = "DIY",
        Model = "ESP32 node",
        SwVersion = "1.0.0",
        UseDeviceDiscovery = deviceDiscovery,
        Entities =
        {
            new EntityDescription
            {
                Component = HomeAssistantComponents.Light,
                ObjectId = "ceiling",
                Config = new JsonObject { ["schema"] = "json", ["brightness"] = true, ["sup_clrm"] = new JsonArray("brightness") },
                OnCommand = async (command, ct) =>
                {
                    commands.Enqueue(command);
                    var state = command.GetString("state") ?? "OFF";
                    var brightness = command.GetNumber("brightness") ?? 255;
                    await publisher.PublishStateAsync(DeviceId, "ceiling", new { State = state, Brightness = (int)brightness }, ct);
                },
            },
            new EntityDescription
            {
                Component = HomeAssistantComponents.Switch,
                ObjectId = "plug",
                Name = "Plug",
                OnCommand = async (command, ct) =>
                {
                    commands.Enqueue(command);
                    await publisher.PublishStateAsync(DeviceId, "plug", command.Payload, ct);
                },
            },
            new EntityDescription
            {
                Component = HomeAssistantComponents.Sensor,
                ObjectId = "temperature",
                Name = "Temperature",
                DeviceClass = "temperature",
                UnitOfMeasurement = "°C",
                StateClass = "measurement",
            },
        },
    };
}
