namespace Switchboard.HomeAssistant.State;

/// <summary>
/// Work decided under the registry's lock but done after it: log lines, waiter completions, events to raise and
/// filters to (un)subscribe. Keeps the lock sections free of I/O, user code and logging providers.
/// </summary>
internal sealed class Deferred
{
    private List<(Action<HomeAssistantRegistry, object?> Action, object? State)>? _actions;
    private List<EventArgs>? _events;
    private List<string>? _filters;

    public void Add(Action<HomeAssistantRegistry, object?> action, object? state) => (_actions ??= []).Add((action, state));

    public void Raise(EventArgs args) => (_events ??= []).Add(args);

    public void Reconcile(string filter) => (_filters ??= []).Add(filter);

    public void Run(HomeAssistantRegistry registry)
    {
        if (_actions is not null)
        {
            foreach (var (action, state) in _actions)
            {
                action(registry, state);
            }
        }

        if (_events is not null)
        {
            registry.Enqueue(_events);
        }

        if (_filters is not null)
        {
            registry.RequestReconcile(_filters);
        }
    }
}
