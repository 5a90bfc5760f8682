namespace Switchboard.HomeAssistant.Tests.Payloads;

/// <summary>
/// Discovery and state payloads as Zigbee2MQTT (1.4x/2.x, json-schema lights, availability list with mode "all"),
/// Tasmota (legacy SetOption19 discovery: abbreviated keys, LWT availability "Online"/"Offline") and a device-based
/// (<c>cmps</c>) publisher send them.
/// </summary>
internal static class RealWorld
{
    public const string Z2mBridgeState = "zigbee2mqtt/bridge/state";
    public const string Z2mLampTopic = "zigbee2mqtt/Living Room Lamp";
    public const string Z2mSensorTopic = "zigbee2mqtt/Bedroom Sensor";

    public const string Z2mLightConfigTopic = "homeassistant/light/0x001788010b9a1c2d/light/config";

    public const string Z2mLightConfig = """
        {"availability":[{"topic":"zigbee2mqtt/bridge/state","value_template":"{{ value_json.state }}"},{"topic":"zigbee2mqtt/Living Room Lamp/availability","value_template":"{{ value_json.state }}"}],"availability_mode":"all","brightness":true,"brightness_scale":254,"command_topic":"zigbee2mqtt/Living Room Lamp/set","device":{"identifiers":["zigbee2mqtt_0x001788010b9a1c2d"],"manufacturer":"Signify Netherlands B.V.","model":"Hue White and Color Ambiance E26/E27 (9290012573A)","model_id":"9290012573A","name":"Living Room Lamp","sw_version":"1.104.2","via_device":"zigbee2mqtt_bridge_0x00124b0022aabbcc"},"effect":true,"effect_list":["blink","breathe","okay","channel_change","finish_effect","stop_effect"],"max_mireds":500,"min_mireds":153,"name":null,"object_id":"living_room_lamp","origin":{"name":"Zigbee2MQTT","sw":"1.42.0","url":"https://www.zigbee2mqtt.io"},"schema":"json","state_topic":"zigbee2mqtt/Living Room Lamp","supported_color_modes":["xy","color_temp"],"unique_id":"0x001788010b9a1c2d_light_zigbee2mqtt"}
        """;

    public const string Z2mLightState = """
        {"brightness":254,"color":{"hue":34,"saturation":77,"x":0.4599,"y":0.4106},"color_mode":"color_temp","color_temp":370,"linkquality":116,"state":"ON","update":{"installed_version":16786434,"latest_version":16786434,"state":"idle"}}
        """;

    public const string Z2mTemperatureConfigTopic = "homeassistant/sensor/0x00158d0001a2b3c4/temperature/config";

    public const string Z2mTemperatureConfig = """
        {"availability":[{"topic":"zigbee2mqtt/bridge/state","value_template":"{{ value_json.state }}"},{"topic":"zigbee2mqtt/Bedroom Sensor/availability","value_template":"{{ value_json.state }}"}],"availability_mode":"all","device":{"identifiers":["zigbee2mqtt_0x00158d0001a2b3c4"],"manufacturer":"Aqara","model":"Temperature and humidity sensor (WSDCGQ11LM)","model_id":"WSDCGQ11LM","name":"Bedroom Sensor","sw_version":"3000-0001","via_device":"zigbee2mqtt_bridge_0x00124b0022aabbcc"},"device_class":"temperature","enabled_by_default":true,"name":"Temperature","object_id":"bedroom_sensor_temperature","origin":{"name":"Zigbee2MQTT","sw":"1.42.0","url":"https://www.zigbee2mqtt.io"},"state_class":"measurement","state_topic":"zigbee2mqtt/Bedroom Sensor","unique_id":"0x00158d0001a2b3c4_temperature_zigbee2mqtt","unit_of_measurement":"°C","value_template":"{{ value_json.temperature }}"}
        """;

    public const string Z2mHumidityConfigTopic = "homeassistant/sensor/0x00158d0001a2b3c4/humidity/config";

    public const string Z2mHumidityConfig = """
        {"availability":[{"topic":"zigbee2mqtt/bridge/state","value_template":"{{ value_json.state }}"},{"topic":"zigbee2mqtt/Bedroom Sensor/availability","value_template":"{{ value_json.state }}"}],"availability_mode":"all","device":{"identifiers":["zigbee2mqtt_0x00158d0001a2b3c4"],"manufacturer":"Aqara","model":"Temperature and humidity sensor (WSDCGQ11LM)","name":"Bedroom Sensor","via_device":"zigbee2mqtt_bridge_0x00124b0022aabbcc"},"device_class":"humidity","enabled_by_default":true,"name":"Humidity","object_id":"bedroom_sensor_humidity","origin":{"name":"Zigbee2MQTT","sw":"1.42.0","url":"https://www.zigbee2mqtt.io"},"state_class":"measurement","state_topic":"zigbee2mqtt/Bedroom Sensor","unique_id":"0x00158d0001a2b3c4_humidity_zigbee2mqtt","unit_of_measurement":"%","value_template":"{{ value_json.humidity }}"}
        """;

    public const string Z2mSensorState = """
        {"battery":100,"humidity":48.12,"linkquality":134,"power_outage_count":7,"pressure":1011.3,"temperature":21.5,"voltage":3005}
        """;

    /// <summary>Zigbee2MQTT sends partial updates too: this one has no temperature.</summary>
    public const string Z2mSensorBatteryOnly = """{"battery":97,"linkquality":120}""";

    public const string Z2mOnline = """{"state":"online"}""";
    public const string Z2mOffline = """{"state":"offline"}""";

    public const string TasmotaRelayConfigTopic = "homeassistant/switch/A1B2C3_RL_1/config";

    public const string TasmotaRelayConfig = """
        {"name":"Kitchen Relay","stat_t":"tele/tasmota_A1B2C3/STATE","avty_t":"tele/tasmota_A1B2C3/LWT","pl_avail":"Online","pl_not_avail":"Offline","cmd_t":"cmnd/tasmota_A1B2C3/POWER","val_tpl":"{{value_json.POWER}}","pl_off":"OFF","pl_on":"ON","uniq_id":"A1B2C3_RL_1","dev":{"ids":["A1B2C3"],"name":"Kitchen","mdl":"Sonoff Basic","sw":"9.5.0(tasmota)","mf":"Tasmota"}}
        """;

    public const string TasmotaRssiConfigTopic = "homeassistant/sensor/A1B2C3_rssi/config";

    /// <summary>The older Tasmota style with a topic base: <c>~</c> at the start of <c>stat_t</c>, <c>avty_t</c>, <c>json_attr_t</c>.</summary>
    public const string TasmotaRssiConfig = """
        {"name":"Kitchen Wifi RSSI","~":"tele/tasmota_A1B2C3/","stat_t":"~STATE","avty_t":"~LWT","pl_avail":"Online","pl_not_avail":"Offline","json_attr_t":"~STATE","unit_of_meas":"%","val_tpl":"{{value_json['Wifi'].RSSI}}","ic":"mdi:wifi","uniq_id":"A1B2C3_rssi","dev":{"ids":["A1B2C3"]}}
        """;

    public const string TasmotaLwt = "tele/tasmota_A1B2C3/LWT";
    public const string TasmotaState = "tele/tasmota_A1B2C3/STATE";
    public const string TasmotaCommand = "cmnd/tasmota_A1B2C3/POWER";

    public const string TasmotaStatePowerOn = """
        {"Time":"2024-05-01T12:00:00","Uptime":"0T01:00:00","UptimeSec":3600,"Heap":25,"SleepMode":"Dynamic","Sleep":50,"LoadAvg":19,"MqttCount":1,"POWER":"ON","Wifi":{"AP":1,"SSId":"home","BSSId":"AA:BB:CC:DD:EE:FF","Channel":6,"Mode":"11n","RSSI":76,"Signal":-62,"LinkCount":1,"Downtime":"0T00:00:03"}}
        """;

    public const string TasmotaStatePowerOff = """
        {"Time":"2024-05-01T12:05:00","Uptime":"0T01:05:00","UptimeSec":3900,"POWER":"OFF","Wifi":{"AP":1,"SSId":"home","RSSI":70,"Signal":-65}}
        """;

    public const string DeviceConfigTopic = "homeassistant/device/ea334450945afc/config";

    /// <summary>Device-based discovery (Home Assistant 2024.11+): abbreviations everywhere, shared <c>state_topic</c> and <c>qos</c>.</summary>
    public const string DeviceConfig = """
        {"dev":{"ids":"ea334450945afc","name":"Kitchen","mf":"Bla electronics","mdl":"xya","sw":"1.0","sn":"ea334450945afc","hw":"1.0rev2"},"o":{"name":"bla2mqtt","sw":"2.1","url":"https://bla2mqtt.example.com/support"},"cmps":{"some_unique_component_id1":{"p":"sensor","device_class":"temperature","unit_of_measurement":"°C","value_template":"{{ value_json.temperature}}","unique_id":"temp01ae_t"},"some_unique_id2":{"p":"sensor","device_class":"humidity","unit_of_measurement":"%","value_template":"{{ value_json.humidity}}","unique_id":"temp01ae_h"},"bla_light":{"p":"light","~":"bla2mqtt/kitchen/light","cmd_t":"~/set","stat_t":"~/state","schema":"json","brightness":true,"uniq_id":"bla_light_01"}},"state_topic":"sensorBedroom/state","qos":2}
        """;

    /// <summary>The same device, with the humidity sensor reduced to its platform: Home Assistant removes it.</summary>
    public const string DeviceConfigWithoutHumidity = """
        {"dev":{"ids":"ea334450945afc","name":"Kitchen","mf":"Bla electronics","mdl":"xya","sw":"1.0","sn":"ea334450945afc","hw":"1.0rev2"},"o":{"name":"bla2mqtt","sw":"2.1","url":"https://bla2mqtt.example.com/support"},"cmps":{"some_unique_component_id1":{"p":"sensor","device_class":"temperature","unit_of_measurement":"°C","value_template":"{{ value_json.temperature}}","unique_id":"temp01ae_t"},"some_unique_id2":{"p":"sensor"},"bla_light":{"p":"light","~":"bla2mqtt/kitchen/light","cmd_t":"~/set","stat_t":"~/state","schema":"json","brightness":true,"uniq_id":"bla_light_01"}},"state_topic":"sensorBedroom/state","qos":2}
        """;

    // Zigbee2MQTT device triggers: one discovery topic per action, all on the device's <friendly name>/action topic.
    public const string Z2mSwitchAction = "zigbee2mqtt/Switch/action";

    public const string Z2mTriggerSingleTopic = "homeassistant/device_automation/0x0017880104e45517/action_single/config";

    public const string Z2mTriggerSingle = """
        {"automation_type":"trigger","device":{"identifiers":["zigbee2mqtt_0x0017880104e45517"],"manufacturer":"Philips","model":"Hue dimmer switch (324131092621)","model_id":"324131092621","name":"Switch","sw_version":"6.1.1.28573","via_device":"zigbee2mqtt_bridge_0x00124b0022aabbcc"},"origin":{"name":"Zigbee2MQTT","sw":"1.42.0","url":"https://www.zigbee2mqtt.io"},"payload":"single","subtype":"single","topic":"zigbee2mqtt/Switch/action","type":"action"}
        """;

    public const string Z2mTriggerDoubleTopic = "homeassistant/device_automation/0x0017880104e45517/action_double/config";

    public const string Z2mTriggerDouble = """
        {"automation_type":"trigger","device":{"identifiers":["zigbee2mqtt_0x0017880104e45517"],"manufacturer":"Philips","model":"Hue dimmer switch (324131092621)","model_id":"324131092621","name":"Switch","sw_version":"6.1.1.28573","via_device":"zigbee2mqtt_bridge_0x00124b0022aabbcc"},"origin":{"name":"Zigbee2MQTT","sw":"1.42.0","url":"https://www.zigbee2mqtt.io"},"payload":"double","subtype":"double","topic":"zigbee2mqtt/Switch/action","type":"action"}
        """;

    // ESPHome (MQTT client, discovery on): an event entity for a doorbell button; ESPHome publishes {"event_type": …}.
    public const string EspHomeDoorbellTopic = "homeassistant/event/doorbell-node/doorbell/config";

    public const string EspHomeDoorbell = """
        {"dev_cla":"doorbell","name":"Doorbell","stat_t":"doorbell-node/event/doorbell/state","avty_t":"doorbell-node/status","uniq_id":"ESPeventdoorbell","dev":{"ids":"a0b765f1c2d4","name":"doorbell-node","sw":"esphome v2024.6.1 Jun 20 2024, 10:22:13","mdl":"esp32dev","mf":"espressif","cns":[["mac","a0b765f1c2d4"]]},"event_types":["single_press","double_press","long_press"]}
        """;

    public const string EspHomeDoorbellState = "doorbell-node/event/doorbell/state";

    // Tasmota with a PN532 NFC reader, as Home Assistant's tag documentation configures it.
    public const string TasmotaTagScannerTopic = "homeassistant/tag/0AFFD2/config";

    public const string TasmotaTagScanner = """
        {"topic":"tele/tasmota_0AFFD2/SENSOR","value_template":"{{ value_json.PN532.UID }}","device":{"identifiers":["0AFFD2"],"name":"NFC reader","manufacturer":"Tasmota"}}
        """;

    public const string TasmotaTagTopic = "tele/tasmota_0AFFD2/SENSOR";

    public const string TasmotaTagRead = """{"Time":"2024-06-01T12:00:00","PN532":{"UID":"E9F35959","DATA":"ILOVETASMOTA"}}""";
}
