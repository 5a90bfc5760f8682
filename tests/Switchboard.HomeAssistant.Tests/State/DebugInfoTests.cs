using Switchboard.HomeAssistant.Tests.Payloads;
using Switchboard.HomeAssistant.Tests.Support;

namespace Switchboard.HomeAssistant.Tests.State;

public sealed class DebugInfoTests
{
    [Fact]
    public async Task Debug_info_keeps_the_discovery_payload_and_the_last_ten_messages_per_subscribed_topic()
    {
        var time = new ManualTimeProvider();
        await using var ha = await OfflineRegistry.StartAsync(time: time);
        ha.Discover(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig);
        var relay = ha.Entity("A1B2C3_RL_1");
        var discoveredAt = time.GetUtcNow();

        for (var i = 0; i < 12; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            ha.Send(RealWorld.TasmotaState, i % 2 == 0 ? RealWorld.TasmotaStatePowerOn : RealWorld.TasmotaStatePowerOff);
        }

        ha.Send(RealWorld.TasmotaLwt, "Online", retain: true);

        var info = relay.GetDebugInfo();
        Assert.Equal(RealWorld.TasmotaRelayConfigTopic, info.DiscoveryTopic);
        Assert.Equal(RealWorld.TasmotaRelayConfig, info.DiscoveryPayload);
        Assert.Equal(discoveredAt, info.DiscoveredAt);
        Assert.Equal(relay.Options.Topics.Where(t => t.Key is "state_topic" or "availability_topic").Select(t => t.Value).Order(), info.Subscriptions.Select(s => s.Topic).Order());
        var state = info.Subscriptions.Single(s => s.Topic == RealWorld.TasmotaState);
        Assert.Equal(EntityDebugInfo.MessagesPerTopic, state.Messages.Count);
        Assert.Equal(discoveredAt + TimeSpan.FromSeconds(3), state.Messages[0].Timestamp);      // the first two are gone
        Assert.Equal(RealWorld.TasmotaStatePowerOff, state.Messages[^1].Payload);
        var lwt = Assert.Single(info.Subscriptions.Single(s => s.Topic == RealWorld.TasmotaLwt).Messages);
        Assert.Equal(new DebugMessage(RealWorld.TasmotaLwt, "Online", Qos.AtLeastOnce, true, time.GetUtcNow()), lwt);
        Assert.Empty(info.Published);

        // A rediscovery without the availability topic: its messages go with it, the payload is the new one.
        const string withoutLwt = """{"name":"Relay","cmd_t":"cmnd/tasmota_A1B2C3/POWER","stat_t":"tele/tasmota_A1B2C3/STATE","val_tpl":"{{value_json.POWER}}","uniq_id":"A1B2C3_RL_1"}""";
        ha.Discover(RealWorld.TasmotaRelayConfigTopic, withoutLwt);

        info = relay.GetDebugInfo();
        Assert.Equal(withoutLwt, info.DiscoveryPayload);
        Assert.Equal([RealWorld.TasmotaState], info.Subscriptions.Select(s => s.Topic));
        Assert.Equal(EntityDebugInfo.MessagesPerTopic, info.Subscriptions[0].Messages.Count);
    }
}
