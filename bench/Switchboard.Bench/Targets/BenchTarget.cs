namespace Switchboard.Bench;

/// <summary>The transport of a row: plain TCP or TLS (verified against the private broker's generated CA).</summary>
public enum BenchTransport
{
    Tcp,
    Tls,
}

/// <summary>
/// Where and how every client of one section of the table connects: the same URL, transport and protocol version for
/// all of them, so the ×MQTT.js and ×MQTTnet ratios compare like with like.
/// </summary>
/// <param name="Url"><c>mqtt://host:port</c> or <c>mqtts://host:port</c>.</param>
/// <param name="CaFile">PEM file of the CA that signed the broker's certificate (TLS only); verification stays on.</param>
public sealed record BenchTarget(string Url, BenchTransport Transport, MqttProtocol Protocol, string? CaFile = null)
{
    /// <summary>Plain TCP, MQTT 5 (the check mode's target).</summary>
    public static BenchTarget Tcp(string url) => new(url, BenchTransport.Tcp, MqttProtocol.V500);

    /// <summary>The CONNECT protocol level: 5 for MQTT 5, 4 for 3.1.1 (MQTT.js <c>protocolVersion</c>).</summary>
    public int ProtocolLevel => Protocol == MqttProtocol.V500 ? 5 : 4;

    /// <summary>"5" or "3.1.1", as <c>--protocol</c> spells it.</summary>
    public string ProtocolName => Protocol == MqttProtocol.V500 ? "5" : "3.1.1";

    public bool IsTls => Transport == BenchTransport.Tls;

    /// <summary>"TCP, MQTT 5", "TLS, MQTT 3.1.1" …: the first column of the table.</summary>
    public string Label => $"{(IsTls ? "TLS" : "TCP")}, MQTT {ProtocolName}";

    public override string ToString() => $"{Label} {Url}";
}
