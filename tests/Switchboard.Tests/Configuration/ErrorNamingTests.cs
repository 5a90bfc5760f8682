using System.Text.Json;

namespace Switchboard.Tests.Configuration;

/// <summary>Errors name the setting the user actually wrote, and the value they wrote.</summary>
public sealed class ErrorNamingTests
{
    [Fact]
    public void A_bad_legacy_host_is_reported_as_MQTT_BROKER_HOST()
    {
        var error = Assert.Throws<SwitchboardConfigurationException>(() => SwitchboardOptions.FromEnvironment(new Dictionary<string, string?>
        {
            ["MQTT_BROKER_HOST"] = "bad host",
            ["MQTT_CLIENT_ID"] = "svc",
        }));
        Assert.Equal("MQTT_BROKER_HOST", error.Setting);
        Assert.Contains("MQTT_BROKER_HOST", error.Message);
    }

    [Fact]
    public void A_bad_url_reports_the_plain_property_name_as_its_setting()
    {
        var error = Assert.Throws<SwitchboardConfigurationException>(() => OptionsValidator.Validate(new SwitchboardOptions { Url = "http://broker", ClientId = "svc" }));
        Assert.Equal("Url", error.Setting);
        Assert.Contains("Url (MQTT_URL)='http://broker'", error.Message);
    }

    [Fact]
    public void A_certificate_without_its_key_names_the_file_that_was_set()
    {
        var cert = Path.GetTempFileName();
        try
        {
            var error = Assert.Throws<SwitchboardConfigurationException>(() => OptionsValidator.Validate(new SwitchboardOptions { Url = "mqtts://broker", ClientId = "svc", TlsCertFile = cert }));
            Assert.Equal(cert, error.Value);
            Assert.Contains(cert, error.Message);
        }
        finally
        {
            File.Delete(cert);
        }
    }

    [Theory]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NaN)]
    public void A_non_finite_timestamp_is_never_written(double timestamp)
    {
        using var stream = new MemoryStream();
        using var writer = new Utf8JsonWriter(stream);
        Assert.Throws<ArgumentOutOfRangeException>(() => EnvelopeCodec.WriteTimestamp(writer, timestamp));
    }

    [Fact]
    public void An_infinite_timestamp_makes_an_envelope_malformed()
    {
        var ok = EnvelopeCodec.TryReadHeader("{\"id\":\"a\",\"type\":\"t\",\"ts\":1e400,\"data\":{}}"u8, out _, out var error);
        Assert.False(ok);
        Assert.Contains("ts", error);
    }
}
