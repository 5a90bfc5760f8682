namespace Switchboard.HomeAssistant.State;

/// <summary>
/// Work decided under the registry's lock but done after it: log lines, waiter completions and filters to
/// (un)subscribe. Keeps the lock sections free of I/O, user code and logging providers. Events are the exception: they
/// join the registry's event queue at once, still under the lock, so that what two threads decide in turn (a state
/// message and a timer, a state message and a connection change) is raised in that order; the queue's own task raises
/// them, so no handler runs under the lock.
/// </summary>
internal sealed class Deferred(HomeAssistantRegistry registry)
{
    private List<(Action<HomeAssistantRegistry, object?> Action, object? State)>? _actions;
    private List<string>? _filters;
    private DateTimeOffset? _now;

    /// <summary>The registry's clock, read once for everything one message (or timer) decides: every entity it changes,
    /// its debug record and its events get the same time.</summary>
    public DateTimeOffset Now => _now ??= registry.Clock.GetUtcNow();

    public void Add(Action<HomeAssistantRegistry, object?> action, object? state) => (_actions ??= []).Add((action, state));

    /// <summary>Queues <paramref name="args"/> to be raised; call it under the registry's lock.</summary>
    public void Raise(EventArgs args) => registry.Enqueue(args);

    public void Reconcile(string filter) => (_filters ??= []).Add(filter);

    public void Run()
    {
        if (_actions is not null)
        {
            foreach (var (action, state) in _actions)
            {
                action(registry, state);
            }
        }

        if (_filters is not null)
        {
            registry.RequestReconcile(_filters);
        }
    }
}
