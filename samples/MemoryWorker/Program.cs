using MemoryWorker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchboard.Hosting;

// The memory worker of source write-up 001, on Switchboard: it remembers what the speech service heard (stt/final)
// and answers memory queries (memory/query -> memory/results, the reply carrying the request's id).
// Run: MQTT_URL=mqtt://localhost:1883 MQTT_CLIENT_ID=memory-worker MQTT_ENABLE_HEALTH=true dotnet run --project samples/MemoryWorker
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSingleton<MemoryStore>();
builder.Services.AddSwitchboard(builder.Configuration)
    .AddEventSubscription<RememberSpeech, SpeechText>("stt/final", MemoryJsonContext.Default.SpeechText)
    .AddEventSubscription<AnswerQuery, MemoryQuery>("memory/query", MemoryJsonContext.Default.MemoryQuery)
    .AddHealthCheck();
await builder.Build().RunAsync();
