using System.Reflection;

namespace Switchboard.Tests.Configuration;

/// <summary>
/// One table of settings: every option that can be written as text is read by the environment overlay and by
/// <see cref="SwitchboardOptions.ApplySetting"/> through the same parser, under the OptionKeys variable of its name.
/// </summary>
public sealed class OptionSettingsTests
{
    [Fact]
    public void Every_option_written_as_text_has_one_setting_under_the_OptionKeys_variable_of_its_name()
    {
        var keys = typeof(OptionKeys).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!, StringComparer.Ordinal);
        var textual = typeof(SwitchboardOptions).GetProperties()
            .Where(p => p.CanWrite && (Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType) is var t
                && (t == typeof(string) || t == typeof(bool) || t == typeof(int) || t == typeof(TimeSpan) || t.IsEnum))
            .Select(p => p.Name).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(textual, OptionSettings.All.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.All(OptionSettings.All, s => Assert.Equal(keys[s.Name], s.Key));
        Assert.Equal(
            keys.Keys.Except([nameof(OptionKeys.BrokerHost), nameof(OptionKeys.BrokerPort)]).Order(StringComparer.Ordinal),
            OptionSettings.All.Select(s => s.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(nameof(SwitchboardOptions.KeepAlive), "12.5")]
    [InlineData(nameof(SwitchboardOptions.EnableHealth), "On")]
    [InlineData(nameof(SwitchboardOptions.Protocol), "311")]
    [InlineData(nameof(SwitchboardOptions.OverflowPolicy), "drop_newest")]
    [InlineData(nameof(SwitchboardOptions.QueueCapacity), " 42 ")]
    [InlineData(nameof(SwitchboardOptions.DeadLetterTopic), "dead/letters")]
    public void A_value_means_the_same_as_a_variable_and_as_a_named_setting(string name, string value)
    {
        var setting = OptionSettings.Find(name)!;
        var fromVariable = new SwitchboardOptions();
        fromVariable.ApplyEnvironment(key => key == setting.Key ? value : null);
        var fromSetting = new SwitchboardOptions();
        fromSetting.ApplySetting(name.ToLowerInvariant(), value, $"Section:{name}");

        var property = typeof(SwitchboardOptions).GetProperty(name)!;
        Assert.NotEqual(property.GetValue(new SwitchboardOptions()), property.GetValue(fromVariable));
        Assert.Equal(property.GetValue(fromVariable), property.GetValue(fromSetting));
    }

    [Fact]
    public void A_bad_value_is_named_the_same_way_as_a_variable_and_as_a_setting_with_its_variable()
    {
        var variable = Assert.Throws<SwitchboardConfigurationException>(() => new SwitchboardOptions().ApplyEnvironment(k => k == OptionKeys.MaxInflight ? "lots" : null));
        var setting = Assert.Throws<SwitchboardConfigurationException>(() => new SwitchboardOptions().ApplySetting("MaxInflight", "lots", "Switchboard:MaxInflight"));

        Assert.Equal("MQTT_MAX_INFLIGHT='lots' is not a whole number.", variable.Message);
        Assert.Equal("Switchboard:MaxInflight (MQTT_MAX_INFLIGHT)='lots' is not a whole number.", setting.Message);
        Assert.Equal("Switchboard:MaxInflight", setting.Setting);
    }

    [Fact]
    public void Durations_are_seconds_in_variables_and_may_be_clock_time_in_settings()
    {
        var options = new SwitchboardOptions();
        options.ApplySetting("DrainTimeout", "00:01:30");
        Assert.Equal(TimeSpan.FromSeconds(90), options.DrainTimeout);

        var error = Assert.Throws<SwitchboardConfigurationException>(() => options.ApplyEnvironment(k => k == OptionKeys.DrainTimeout ? "00:01:30" : null));
        Assert.Contains("is not a number of seconds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_setting_lists_the_known_ones_and_an_empty_value_changes_nothing()
    {
        var options = new SwitchboardOptions();
        var error = Assert.Throws<SwitchboardConfigurationException>(() => options.ApplySetting("KeepAlvie", "5", "Switchboard:KeepAlvie"));
        Assert.StartsWith("Switchboard:KeepAlvie is not a setting of SwitchboardOptions; known settings: CleanStart, ClientId,", error.Message, StringComparison.Ordinal);

        options.ApplySetting("KeepAlive", "  ");
        Assert.Equal(TimeSpan.FromSeconds(60), options.KeepAlive);
    }
}
