using Switchboard.HomeAssistant.Tests.Payloads;
using Switchboard.HomeAssistant.Tests.Support;

namespace Switchboard.HomeAssistant.Tests.State;

/// <summary>Device triggers, tag scanners and event entities raise events, never states (Home Assistant's
/// components/mqtt/device_trigger.py + trigger.py, tag.py and event.py).</summary>
public sealed class TriggerEventTests
{
    private const string Single = "device_automation/0x0017880104e45517/action_single";
    private const string Double = "device_automation/0x0017880104e45517/action_double";

    [Fact]
    public async Task Zigbee2mqtt_device_triggers_fire_only_for_their_payload_in_order_and_keep_no_state()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        var events = new EventRecorder(ha);
        ha.Discover(RealWorld.Z2mTriggerSingleTopic, RealWorld.Z2mTriggerSingle);
        ha.Discover(RealWorld.Z2mTriggerDoubleTopic, RealWorld.Z2mTriggerDouble);
        var single = ha.Entity(Single);
        Assert.Equal(HomeAssistantComponents.DeviceAutomation, single.Component);
        Assert.Equal("Switch", single.Device?.Name);

        ha.Send(RealWorld.Z2mSwitchAction, "single");
        ha.Send(RealWorld.Z2mSwitchAction, "hold");
        ha.Send(RealWorld.Z2mSwitchAction, "double");
        ha.Send(RealWorld.Z2mSwitchAction, "");
        ha.Send(RealWorld.Z2mSwitchAction, "single");

        Assert.Equal(
            [
                $"{Single}:trigger action/single 'single'",
                $"{Double}:trigger action/double 'double'",
                $"{Single}:trigger action/single 'single'",
            ],
            await events.FlushNewAsync());
        Assert.Same(EntityState.Unknown, single.State);
        var stats = ha.Registry.GetStats();
        Assert.Equal(3, stats.TriggersFired);
        Assert.Equal(0, stats.StateChanges);
    }

    [Fact]
    public async Task A_device_trigger_compares_the_rendered_value_and_without_payload_fires_on_every_message()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        var events = new EventRecorder(ha);
        ha.Discover("homeassistant/device_automation/remote/press/config", """
            {"atype":"trigger","t":"remote/event","type":"button_short_press","stype":"button_1","pl":"press","val_tpl":"{{ value_json.action }}","dev":{"ids":["remote"]}}
            """);
        ha.Discover("homeassistant/device_automation/remote/any/config", """
            {"automation_type":"trigger","topic":"remote/event","type":"action","subtype":"any","device":{"identifiers":["remote"]}}
            """);

        ha.Send("remote/event", """{"action":"press","button":1}""");
        ha.Send("remote/event", """{"action":"release"}""");
        ha.Send("remote/event", "not json");

        Assert.Equal(
            [
                "device_automation/remote/press:trigger button_short_press/button_1 '{\"action\":\"press\",\"button\":1}'",
                "device_automation/remote/any:trigger action/any '{\"action\":\"press\",\"button\":1}'",
                "device_automation/remote/any:trigger action/any '{\"action\":\"release\"}'",
                "device_automation/remote/any:trigger action/any 'not json'",
            ],
            await events.FlushNewAsync());
    }

    [Fact]
    public async Task A_device_automation_that_is_not_a_trigger_is_rejected()
    {
        await using var ha = await OfflineRegistry.StartAsync();

        ha.Discover("homeassistant/device_automation/remote/x/config", """
            {"automation_type":"action","topic":"remote/event","type":"action","subtype":"x","device":{"identifiers":["remote"]}}
            """);

        Assert.Empty(ha.Registry.Entities);
        var rejection = Assert.Single(ha.Registry.Rejections);
        Assert.Equal(RejectionReason.InvalidValue, rejection.Reason);
        Assert.Contains("automation_type", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tag_scanner_raises_the_stripped_tag_id_and_ignores_messages_without_one()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        var events = new EventRecorder(ha);
        ha.Discover(RealWorld.TasmotaTagScannerTopic, RealWorld.TasmotaTagScanner);
        ha.Discover("homeassistant/tag/plain/config", """{"topic":"reader/plain","device":{"identifiers":["plain"]}}""");
        TagScannedEventArgs? seen = null;
        ha.Registry.TagScanned += (_, e) => seen ??= e;

        ha.Send(RealWorld.TasmotaTagTopic, RealWorld.TasmotaTagRead);
        ha.Send(RealWorld.TasmotaTagTopic, """{"Time":"2024-06-01T12:00:05","ENERGY":{"Power":3}}""");
        ha.Send("reader/plain", "  04A224B2C35E80 \n");
        ha.Send("reader/plain", "   ");

        Assert.Equal(["tag/0AFFD2:tag E9F35959", "tag/plain:tag 04A224B2C35E80"], await events.FlushNewAsync());
        Assert.NotNull(seen);
        Assert.Equal(RealWorld.TasmotaTagRead, seen.Payload);
        Assert.Equal(RealWorld.TasmotaTagTopic, seen.Topic);
        Assert.Equal(2, ha.Registry.GetStats().TagsScanned);
    }

    [Fact]
    public async Task An_event_entity_raises_valid_events_with_attributes_and_ignores_retained_unknown_and_malformed_ones()
    {
        var time = new ManualTimeProvider();
        await using var ha = await OfflineRegistry.StartAsync(time: time);
        var events = new EventRecorder(ha);
        ha.Discover(RealWorld.EspHomeDoorbellTopic, RealWorld.EspHomeDoorbell);
        var doorbell = ha.Entity("ESPeventdoorbell");
        EventReceivedEventArgs? first = null;
        ha.Registry.EventReceived += (_, e) => first ??= e;

        ha.Send(RealWorld.EspHomeDoorbellState, """{"event_type":"double_press"}""", retain: true);
        ha.Send(RealWorld.EspHomeDoorbellState, """{"event_type":"single_press","duration":0.3,"source":{"button":1}}""");
        ha.Send(RealWorld.EspHomeDoorbellState, """{"event_type":"triple_press"}""");
        ha.Send(RealWorld.EspHomeDoorbellState, """{"duration":1}""");
        ha.Send(RealWorld.EspHomeDoorbellState, "single_press");
        ha.Send(RealWorld.EspHomeDoorbellState, "[1]");
        ha.Send(RealWorld.EspHomeDoorbellState, "{}");
        ha.Send(RealWorld.EspHomeDoorbellState, "None");
        ha.Send(RealWorld.EspHomeDoorbellState, "");
        ha.Send(RealWorld.EspHomeDoorbellState, """{"event_type":"long_press"}""");

        Assert.Equal(
            [
                """ESPeventdoorbell:event single_press {duration=0.3, source={"button":1}}""",
                "ESPeventdoorbell:event long_press {}",
            ],
            await events.FlushNewAsync());
        Assert.NotNull(first);
        Assert.Same(doorbell, first.Entity);
        Assert.Equal(time.GetUtcNow(), first.Timestamp);
        Assert.Same(EntityState.Unknown, doorbell.State);
        var stats = ha.Registry.GetStats();
        Assert.Equal(2, stats.EventsReceived);
        Assert.Equal(4, stats.InvalidStatePayloads);
    }

    [Fact]
    public async Task An_event_value_template_can_build_the_event_and_a_late_entity_never_gets_an_old_event_replayed()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        var events = new EventRecorder(ha);
        ha.Discover("homeassistant/event/remote/button/config", """
            {"stat_t":"remote/state","evt_typ":["press","hold"],"val_tpl":"{{ {'event_type': value_json.action, 'button': value_json.button} | tojson }}"}
            """);
        ha.Discover("homeassistant/sensor/remote/battery/config", """{"stat_t":"remote/state","val_tpl":"{{ value_json.battery }}"}""");

        ha.Send("remote/state", """{"action":"hold","button":2,"battery":88}""");
        ha.Discover("homeassistant/event/remote/late/config", """{"stat_t":"remote/state","event_types":["hold"]}""");

        Assert.Equal(
            [
                "event/remote/button:event hold {button=2}",
                "sensor/remote/battery:?->88 (remote/state)",
            ],
            await events.FlushNewAsync());
    }
}
