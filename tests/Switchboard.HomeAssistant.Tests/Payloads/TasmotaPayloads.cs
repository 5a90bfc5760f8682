using System.Text.Json.Nodes;

namespace Switchboard.HomeAssistant.Tests.Payloads;

/// <summary>
/// Tasmota's own discovery messages (<c>SetOption19 0</c>, the default since Tasmota 9), as devices publish them:
/// <see cref="HaDefaultConfig"/> is Home Assistant's test device (tests/components/tasmota/test_common.py), the POW R2 a
/// current firmware (13.x keys <c>bat</c>, <c>dslp</c>, <c>sho</c>, <c>sht</c>, SetOption 114/117).
/// </summary>
internal static class TasmotaPayloads
{
    public const string HaDefaultMac = "00000049A3BC";

    public const string HaDefaultConfigTopic = "tasmota/discovery/00000049A3BC/config";

    public const string HaDefaultSensorsTopic = "tasmota/discovery/00000049A3BC/sensors";

    /// <summary>Home Assistant's DEFAULT_CONFIG: topic <c>tasmota_49A3BC</c>, full topic <c>%topic%/%prefix%/</c>, no relays.</summary>
    public const string HaDefaultConfig = """
        {"ip":"192.168.15.10","dn":"Tasmota","fn":["Test","Beer","Milk","Four",null],"hn":"tasmota_49A3BC-0956","if":0,"lk":1,
         "mac":"00000049A3BC","md":"Sonoff Basic","ofln":"Offline","onln":"Online","state":["OFF","ON","TOGGLE","HOLD"],
         "sw":"8.4.0.2","swn":[null,null,null,null,null],"t":"tasmota_49A3BC","ft":"%topic%/%prefix%/","tp":["cmnd","stat","tele"],
         "rl":[0,0,0,0,0,0,0,0],"swc":[-1,-1,-1,-1,-1,-1,-1,-1],"btn":[0,0,0,0],
         "so":{"4":0,"11":0,"13":0,"17":1,"20":0,"30":0,"68":0,"73":0,"82":0,"114":0},"ty":0,"lt_st":0,"ver":1}
        """;

    public const string PowMac = "A4CF12345678";

    public const string PowConfigTopic = "tasmota/discovery/A4CF12345678/config";

    public const string PowSensorsTopic = "tasmota/discovery/A4CF12345678/sensors";

    /// <summary>A Sonoff POW R2 on Tasmota 13.2: one relay, default full topic <c>%prefix%/%topic%/</c>.</summary>
    public const string PowConfig = """
        {"ip":"192.168.1.50","dn":"Washer","fn":["Washer",null,null,null,null,null,null,null],"hn":"washer-5678",
         "mac":"A4CF12345678","md":"Sonoff Pow R2","ty":0,"if":0,"cam":0,"ofln":"Offline","onln":"Online",
         "state":["OFF","ON","TOGGLE","HOLD"],"sw":"13.2.0","t":"tasmota_345678","ft":"%prefix%/%topic%/","tp":["cmnd","stat","tele"],
         "rl":[1,0,0,0,0,0,0,0],"swc":[-1,-1,-1,-1,-1,-1,-1,-1],"swn":[null,null,null,null,null,null,null,null],
         "btn":[0,0,0,0,0,0,0,0],"so":{"4":0,"11":0,"13":0,"17":0,"20":0,"30":0,"68":0,"73":0,"82":0,"114":0,"117":0},
         "lk":0,"lt_st":0,"bat":0,"dslp":0,"sho":[],"sht":[],"ver":1}
        """;

    /// <summary>The POW's sensors message: the energy monitor, as <c>tele/…/SENSOR</c> carries it.</summary>
    public const string PowSensors = """
        {"sn":{"Time":"2024-03-01T12:00:00","ENERGY":{"TotalStartTime":"2023-01-01T00:00:00","Total":12.345,"Yesterday":1.2,
         "Today":0.5,"Power":120,"ApparentPower":130,"ReactivePower":40,"Factor":0.92,"Voltage":230,"Current":0.52}},"ver":1}
        """;

    public const string PowTelemetry = """
        {"Time":"2024-03-01T12:05:00","ENERGY":{"TotalStartTime":"2023-01-01T00:00:00","Total":12.351,"Yesterday":1.2,
         "Today":0.506,"Power":1850,"ApparentPower":1900,"ReactivePower":300,"Factor":0.97,"Voltage":229,"Current":8.1}}
        """;

    /// <summary>A temperature/humidity sensor (AM2301) with Tasmota's unit key.</summary>
    public const string Am2301Sensors = """
        {"sn":{"Time":"2024-03-01T12:00:00","AM2301":{"Temperature":21.5,"Humidity":45.2,"DewPoint":9.2},"TempUnit":"C"},"ver":1}
        """;

    /// <summary><see cref="HaDefaultConfig"/> with changes (<c>rl</c>, <c>lt_st</c>, <c>so</c> …) applied.</summary>
    public static string HaDefaultWith(Action<JsonObject> change)
    {
        var config = JsonNode.Parse(HaDefaultConfig)!.AsObject();
        change(config);
        return config.ToJsonString();
    }

    public static string PowWith(Action<JsonObject> change)
    {
        var config = JsonNode.Parse(PowConfig)!.AsObject();
        change(config);
        return config.ToJsonString();
    }
}
