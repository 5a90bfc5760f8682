namespace Switchboard.HomeAssistant.Templates;

/// <summary>
/// The value of a missing variable, key, attribute or index (Jinja's <c>Undefined</c>). It is chainable —
/// <c>value_json.a.b</c> with no <c>a</c> is undefined rather than an error — falsy, and equal only to another
/// undefined. A value template whose output is undefined means "no update": the entity keeps its state.
/// </summary>
internal sealed class Undefined
{
    private Undefined(string hint) => Hint = hint;

    /// <summary>An undefined value without a description.</summary>
    public static Undefined Instance { get; } = new("undefined");

    /// <summary>What was missing, for log lines: <c>'value_json' has no key 'temperature'</c>.</summary>
    public string Hint { get; }

    public static Undefined Because(string hint) => new(hint);

    public override string ToString() => Hint;
}
