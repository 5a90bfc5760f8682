using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StatusPublisher;
using Switchboard.Hosting;

// The non-blocking publisher of source write-up 004: a UI-like loop that must never wait on the network publishes
// status updates with Post (returns at once, queues while the broker is away) and reports the client's stats.
// Run: MQTT_URL=mqtt://localhost:1883 MQTT_CLIENT_ID=status-publisher dotnet run --project samples/StatusPublisher
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSwitchboard(builder.Configuration).AddHealthCheck();
builder.Services.AddHostedService<FacultyStatusLoop>();
await builder.Build().RunAsync();
