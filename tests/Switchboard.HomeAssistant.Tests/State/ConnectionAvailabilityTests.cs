using System.Reflection;
using Switchboard.HomeAssistant.Tests.Payloads;
using Switchboard.HomeAssistant.Tests.Support;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.HomeAssistant.Tests.State;

/// <summary>The client's connection as the third factor of availability, played through the registry's test hook
/// (the client of an offline registry never connects, so it raises no state change of its own).</summary>
public sealed class ConnectionAvailabilityTests
{
    private const string Relay = "A1B2C3_RL_1";
    private const string Plain = "switch/plain";
    private const string Dead = "switch/dead";

    [Fact]
    public async Task While_the_client_is_not_connected_every_entity_is_unavailable_and_reconnecting_restores_what_its_topics_say()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        var events = new EventRecorder(ha);
        DiscoverThree(ha);
        ha.Send(RealWorld.TasmotaLwt, "Online");
        ha.Send("dead/lwt", "offline");
        Assert.Equal([$"{Relay}:up ({RealWorld.TasmotaLwt})"], await events.FlushNewAsync());

        ha.SetConnection(ConnectionState.Reconnecting);

        Assert.All(ha.Registry.Entities, e => Assert.False(e.IsAvailable));
        Assert.Equal([$"{Relay}:down ()", $"{Plain}:down ()"], (await events.FlushNewAsync()).Order(StringComparer.Ordinal));

        ha.SetConnection(ConnectionState.Connected);

        Assert.True(ha.Entity(Plain).IsAvailable);
        Assert.True(ha.Entity(Relay).IsAvailable);
        Assert.False(ha.Entity(Dead).IsAvailable);
        Assert.Equal([$"{Relay}:up ()", $"{Plain}:up ()"], (await events.FlushNewAsync()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Only_leaving_or_entering_Connected_changes_availability_and_Faulted_is_unavailable()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        var events = new EventRecorder(ha);
        ha.Discover("homeassistant/switch/plain/config", """{"cmd_t":"c","stat_t":"s"}""");
        var plain = ha.Entity(Plain);

        ha.SetConnection(ConnectionState.Connected);
        ha.SetConnection(ConnectionState.Reconnecting);
        ha.SetConnection(ConnectionState.Connecting);
        ha.SetConnection(ConnectionState.Disconnected);
        ha.SetConnection(ConnectionState.Connected);
        ha.SetConnection(ConnectionState.Faulted);

        Assert.False(plain.IsAvailable);
        Assert.Equal([$"{Plain}:down ()", $"{Plain}:up ()", $"{Plain}:down ()"], await events.FlushNewAsync());
    }

    [Fact]
    public async Task What_arrives_while_disconnected_takes_effect_on_reconnect()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        var events = new EventRecorder(ha);
        ha.Discover(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig);
        ha.Send(RealWorld.TasmotaLwt, "Online");
        var relay = ha.Entity(Relay);
        await events.FlushNewAsync();

        // Messages the client had already received are still dispatched after the drop, and so are rediscoveries.
        ha.SetConnection(ConnectionState.Reconnecting);
        ha.Send(RealWorld.TasmotaLwt, "Offline");
        ha.Discover(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig.Replace("Kitchen Relay", "Renamed", StringComparison.Ordinal));
        ha.SetConnection(ConnectionState.Connected);

        Assert.False(relay.IsAvailable);
        Assert.Equal([$"{Relay}:down ()"], await events.FlushNewAsync());

        ha.SetConnection(ConnectionState.Reconnecting);
        ha.Send(RealWorld.TasmotaLwt, "Online");
        Assert.False(relay.IsAvailable);
        ha.SetConnection(ConnectionState.Connected);

        Assert.True(relay.IsAvailable);
        Assert.Equal([$"{Relay}:up ()"], await events.FlushNewAsync());
    }

    [Fact]
    public async Task An_entity_discovered_while_disconnected_is_unavailable_until_the_client_connects()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        var events = new EventRecorder(ha);
        ha.SetConnection(ConnectionState.Reconnecting);

        DiscoverThree(ha);
        ha.Send(RealWorld.TasmotaLwt, "Online");

        Assert.All(ha.Registry.Entities, e => Assert.False(e.IsAvailable));
        Assert.Empty(await events.FlushNewAsync());

        ha.SetConnection(ConnectionState.Connected);

        Assert.True(ha.Entity(Plain).IsAvailable);
        Assert.True(ha.Entity(Relay).IsAvailable);
        Assert.False(ha.Entity(Dead).IsAvailable);
        Assert.Equal([$"{Relay}:up ()", $"{Plain}:up ()"], (await events.FlushNewAsync()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_registry_on_a_client_that_never_connected_has_only_unavailable_entities()
    {
        await using var client = new SwitchboardClient(new SwitchboardOptions { Url = "mqtt://127.0.0.1:9", ClientId = "never-connected", DrainTimeout = TimeSpan.Zero });
        await using var registry = new HomeAssistantRegistry(client);

        registry.InjectDiscoveryMessage(new MqttMessage("homeassistant/switch/plain/config", """{"cmd_t":"c","stat_t":"s"}"""u8.ToArray(), Qos.AtLeastOnce, retain: true));

        Assert.False(registry.GetEntity(Plain).IsAvailable);
    }

    [Fact]
    public async Task Expire_after_keeps_running_while_disconnected()
    {
        var time = new ManualTimeProvider();
        await using var ha = await OfflineRegistry.StartAsync(time: time);
        var events = new EventRecorder(ha);
        ha.Discover("homeassistant/sensor/early/config", """{"stat_t":"dev/early","exp_aft":60}""");
        ha.Discover("homeassistant/sensor/late/config", """{"stat_t":"dev/late","exp_aft":60}""");
        var early = ha.Entity("sensor/early");
        var late = ha.Entity("sensor/late");
        ha.Send("dev/early", "1");
        ha.Send("dev/late", "1");
        await events.FlushNewAsync();

        ha.SetConnection(ConnectionState.Reconnecting);
        time.Advance(TimeSpan.FromSeconds(30));
        ha.Send("dev/late", "2");
        Assert.False(late.IsAvailable);
        time.Advance(TimeSpan.FromSeconds(30));
        ha.SetConnection(ConnectionState.Connected);

        // early expired during the outage; late's message restarted its delay, which has 30 s left.
        Assert.False(early.IsAvailable);
        Assert.True(late.IsAvailable);
        Assert.Equal(
            ["sensor/early:down ()", "sensor/late:down ()", "sensor/late:1->2 (dev/late)", "sensor/late:up ()"],
            SortedWithin(await events.FlushNewAsync(), 2));

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.False(late.IsAvailable);
        ha.Send("dev/early", "3");
        Assert.True(early.IsAvailable);
    }

    [Fact]
    public async Task Disposing_the_registry_stops_following_the_client()
    {
        await using var client = new SwitchboardClient(new SwitchboardOptions { Url = "mqtt://127.0.0.1:9", ClientId = "unsubscribes", DrainTimeout = TimeSpan.Zero });
        var registry = new HomeAssistantRegistry(client);
        Assert.Contains(StateChangedTargets(client), t => ReferenceEquals(t, registry));

        await registry.DisposeAsync();

        Assert.DoesNotContain(StateChangedTargets(client), t => ReferenceEquals(t, registry));
    }

    [Fact]
    public async Task Connection_changes_and_availability_messages_on_two_threads_are_raised_in_the_order_they_took_effect()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        var seen = new List<bool>();
        ha.Registry.AvailabilityChanged += (_, e) =>
        {
            if (e.Entity.Id == Relay)
            {
                seen.Add(e.IsAvailable);
            }
        };
        var events = new EventRecorder(ha);
        ha.Discover(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig);
        var relay = ha.Entity(Relay);
        const int rounds = 200_000;
        using var start = new Barrier(2);

        var connection = Task.Run(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < rounds; i++)
            {
                ha.SetConnection(i % 2 == 0 ? ConnectionState.Reconnecting : ConnectionState.Connected);
            }
        });
        var messages = Task.Run(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < rounds; i++)
            {
                ha.Send(RealWorld.TasmotaLwt, i % 2 == 0 ? "Online" : "Offline");
            }
        });
        await Task.WhenAll(connection, messages).WithTimeout(TimeSpan.FromSeconds(30), "both threads");
        await events.FlushAsync();

        // Each event is a change from the one before, so in decision order they alternate and the last one is the
        // entity's availability now.
        Assert.NotEmpty(seen);
        Assert.True(seen[0]);
        for (var i = 1; i < seen.Count; i++)
        {
            Assert.True(seen[i] != seen[i - 1], $"events {i - 1} and {i} both say {(seen[i] ? "up" : "down")}");
        }

        Assert.Equal(relay.IsAvailable, seen[^1]);
    }

    /// <summary>A switch without availability, the Tasmota relay and a switch whose availability topic will say offline.</summary>
    private static void DiscoverThree(OfflineRegistry ha)
    {
        ha.Discover("homeassistant/switch/plain/config", """{"cmd_t":"c","stat_t":"s"}""");
        ha.Discover(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig);
        ha.Discover("homeassistant/switch/dead/config", """{"cmd_t":"c2","stat_t":"s2","avty_t":"dead/lwt"}""");
    }

    /// <summary>The first <paramref name="count"/> events (raised together, in the registry's own order) sorted, the rest as raised.</summary>
    private static List<string> SortedWithin(IReadOnlyList<string> events, int count) =>
        [.. events.Take(count).Order(StringComparer.Ordinal), .. events.Skip(count)];

    /// <summary>The targets of the handlers on the client's <see cref="SwitchboardClient.StateChanged"/>: its field-like
    /// event's backing field, read by reflection because nothing public lists them.</summary>
    private static object?[] StateChangedTargets(SwitchboardClient client)
    {
        var field = typeof(SwitchboardClient).GetField(nameof(SwitchboardClient.StateChanged), BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("SwitchboardClient.StateChanged is no longer a field-like event.");
        var handler = (Delegate?)field.GetValue(client);
        return handler is null ? [] : [.. handler.GetInvocationList().Select(d => d.Target)];
    }
}
