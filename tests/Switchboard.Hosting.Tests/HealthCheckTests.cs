using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Support;
using CheckStatus = Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus;

namespace Switchboard.Hosting.Tests;

public sealed class HealthCheckTests
{
    [Fact]
    public async Task Healthy_then_Degraded_while_the_broker_is_down_then_Healthy_again()
    {
        const string password = "s3cret-pw";
        await using var broker = new MosquittoBroker(new BrokerOptions { Username = "svc", Password = password });
        await broker.StartAsync();
        using var cts = TestTimeout.Start(TestTimeout.Long);
        var url = broker.Url.Replace("mqtt://", $"mqtt://svc:{password}@", StringComparison.Ordinal);
        var host = TestHost.Build(TestHost.Section(url, TestHost.ClientId("health")), sb => sb.AddHealthCheck("mqtt", "ready"));
        try
        {
            await host.StartAsync(cts.Token);
            var health = host.Services.GetRequiredService<HealthCheckService>();

            var report = await health.CheckHealthAsync(cts.Token);
            var entry = report.Entries["mqtt"];
            Assert.Equal(CheckStatus.Healthy, entry.Status);
            Assert.Contains("ready", entry.Tags);
            foreach (var key in new[] { "queued", "inflight", "reconnects" })
            {
                Assert.True(entry.Data.ContainsKey(key), $"health data has '{key}'");
            }

            await broker.StopAsync();
            await EventuallyStatus(health, CheckStatus.Degraded, "Degraded while the broker is down", cts.Token);
            report = await health.CheckHealthAsync(cts.Token);
            Assert.All(report.Entries["mqtt"].Data.Values, v => Assert.DoesNotContain(password, v.ToString() ?? "", StringComparison.Ordinal));
            Assert.DoesNotContain(password, report.Entries["mqtt"].Description ?? "", StringComparison.Ordinal);

            await broker.StartAsync();
            await EventuallyStatus(health, CheckStatus.Healthy, "Healthy after the broker is back", cts.Token);
            Assert.True((long)(await health.CheckHealthAsync(cts.Token)).Entries["mqtt"].Data["reconnects"] >= 1);

            await host.StopAsync(cts.Token);
            Assert.Equal(CheckStatus.Unhealthy, (await health.CheckHealthAsync(cts.Token)).Entries["mqtt"].Status);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task With_a_list_of_brokers_the_check_says_which_one_the_client_is_on()
    {
        await using var broker = new MosquittoBroker();
        await broker.StartAsync();
        using var cts = TestTimeout.Start(TestTimeout.Long);
        var config = TestHost.Section("unused", TestHost.ClientId("health-list"));
        config.Remove("Switchboard:Url");
        config["Switchboard:Url:0"] = "mqtt://127.0.0.1:1";
        config["Switchboard:Url:1"] = broker.Url;
        var host = TestHost.Build(config, sb => sb.AddHealthCheck("mqtt"));
        try
        {
            await host.StartAsync(cts.Token);
            var entry = (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(cts.Token)).Entries["mqtt"];
            Assert.Equal(CheckStatus.Healthy, entry.Status);
            Assert.Equal(broker.Url, entry.Data["broker"]);
            Assert.Contains(broker.Url, entry.Description, StringComparison.Ordinal);
            await host.StopAsync(cts.Token);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static Task EventuallyStatus(HealthCheckService health, CheckStatus expected, string because, CancellationToken cancellationToken) =>
        Eventually.WaitAsync(async () => (await health.CheckHealthAsync(cancellationToken)).Entries["mqtt"].Status == expected, TimeSpan.FromSeconds(20), because, cancellationToken);
}
