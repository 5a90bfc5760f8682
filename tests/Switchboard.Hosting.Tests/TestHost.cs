using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Switchboard.Hosting.Tests;

/// <summary>A Generic Host whose configuration is exactly the given keys (no environment, no files), so tests do not
/// depend on the machine's MQTT_* variables and run in parallel.</summary>
internal static class TestHost
{
    public static IHost Build(IDictionary<string, string?> configuration, Action<ISwitchboardBuilder>? switchboard = null, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(configuration);
        var sb = builder.Services.AddSwitchboard(builder.Configuration);
        switchboard?.Invoke(sb);
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    public static Dictionary<string, string?> Section(string url, string clientId, params (string Key, string Value)[] extra)
    {
        var config = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Switchboard:Url"] = url,
            ["Switchboard:ClientId"] = clientId,
            ["Switchboard:ReconnectMinDelay"] = "0.05",
            ["Switchboard:ReconnectMaxDelay"] = "0.2",
        };
        foreach (var (key, value) in extra)
        {
            config[key] = value;
        }

        return config;
    }

    public static string ClientId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 64)];

    public static async ValueTask DisposeAsync(this IHost host)
    {
        if (host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            host.Dispose();
        }
    }
}
