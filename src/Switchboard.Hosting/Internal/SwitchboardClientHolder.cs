using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchboard.Hosting.Internal;

/// <summary>
/// Creates the one shared <see cref="SwitchboardClient"/>. The options validator creates it (the client's constructor
/// is the validation, and its messages name the setting), so start-up validation and the singleton share one
/// instance instead of building and tearing down a second client.
/// </summary>
internal sealed class SwitchboardClientHolder(IServiceProvider services) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private SwitchboardClient? _client;

    public SwitchboardClient GetOrCreate(SwitchboardOptions options)
    {
        lock (_gate)
        {
            return _client ??= new SwitchboardClient(
                options,
                services.GetService<ILoggerFactory>(),
                services.GetService<TimeProvider>() ?? TimeProvider.System,
                services.GetService<IMeterFactory>());
        }
    }

    // The container disposes the SwitchboardClient singleton too; ShutdownAsync is idempotent. This covers a client
    // created by validation that nobody resolved (the host failed later in its start).
    public ValueTask DisposeAsync()
    {
        SwitchboardClient? client;
        lock (_gate)
        {
            client = _client;
        }

        return client?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
