namespace Switchboard.Dashboard.Tests.Unit;

public sealed class DashboardOptionsTests
{
    [Theory]
    [InlineData("Host", "example.com", "DashboardOptions.Host (--host) 'example.com'")]
    [InlineData("Port", "70000", "DashboardOptions.Port (--port) 70000")]
    [InlineData("Token", "short", "DashboardOptions.Token (--token)")]
    [InlineData("MaxTopics", "1", "DashboardOptions.MaxTopics 1")]
    public void A_bad_setting_is_refused_naming_it(string setting, string value, string expected)
    {
        var options = new DashboardOptions();
        switch (setting)
        {
            case "Host": options.Host = value; break;
            case "Port": options.Port = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "Token": options.Token = value; break;
            case "MaxTopics": options.MaxTopics = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
        }

        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_listen_on_loopback_and_the_token_never_shows()
    {
        var options = new DashboardOptions { Token = "a-very-secret-token" };
        options.Validate();
        Assert.Equal("127.0.0.1", options.Host);
        Assert.DoesNotContain("a-very-secret-token", options.ToString(), StringComparison.Ordinal);
    }
}
