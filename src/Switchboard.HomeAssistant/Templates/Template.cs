using System.Text;

namespace Switchboard.HomeAssistant.Templates;

/// <summary>What a render produced.</summary>
internal enum TemplateOutcome
{
    /// <summary>Rendered text.</summary>
    Value,

    /// <summary>An output was undefined (a missing key): the caller must not update anything.</summary>
    Undefined,

    /// <summary>Rendering failed for this input (bad conversion without a default, type error).</summary>
    Error,
}

/// <summary>The result of a render: text, "no value", or an error with its reason.</summary>
internal readonly record struct TemplateResult(TemplateOutcome Outcome, string? Text, string? Detail)
{
    public bool HasValue => Outcome == TemplateOutcome.Value;

    public static TemplateResult Of(string text) => new(TemplateOutcome.Value, text, null);

    public static TemplateResult NoValue(string? detail) => new(TemplateOutcome.Undefined, null, detail);

    public static TemplateResult Failed(string detail) => new(TemplateOutcome.Error, null, detail);
}

/// <summary>
/// A compiled Home Assistant template (the Jinja subset documented in <c>docs/home-assistant.md</c>). Thread-safe:
/// a compiled template holds no render state. Value templates render strictly — an undefined output means
/// "no update" — while command templates render like Jinja, where undefined prints as nothing.
/// </summary>
internal sealed class Template
{
    private static readonly IReadOnlyDictionary<string, object?> NoVariables = new Dictionary<string, object?>();
    private readonly List<TemplateNode> _nodes;

    private Template(string source, List<TemplateNode> nodes)
    {
        Source = source;
        _nodes = nodes;
    }

    /// <summary>The template text.</summary>
    public string Source { get; }

    /// <summary>Compiles <paramref name="source"/>.</summary>
    /// <exception cref="TemplateSyntaxException">The text is not in the supported subset.</exception>
    public static Template Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new Template(source, TemplateParser.Parse(source));
    }

    /// <summary>Compiles <paramref name="source"/>, or says why it cannot.</summary>
    public static bool TryParse(string source, out Template? template, out string? error)
    {
        try
        {
            template = Parse(source);
            error = null;
            return true;
        }
        catch (TemplateSyntaxException ex)
        {
            template = null;
            error = ex.Message;
            return false;
        }
    }

    /// <summary>Renders a value template for an incoming payload: <c>value</c> is the payload text and
    /// <c>value_json</c> its JSON, when it parses. The output is stripped of surrounding whitespace, as Home Assistant does.</summary>
    public TemplateResult RenderValue(string payload, IReadOnlyDictionary<string, object?>? variables = null)
    {
        var all = new Dictionary<string, object?>(StringComparer.Ordinal) { ["value"] = payload };
        if (TemplateValues.TryParseJson(payload, out var json))
        {
            all["value_json"] = json;
        }
        else
        {
            all["value_json"] = Undefined.Because("the payload is not JSON, so 'value_json' is undefined");
        }

        if (variables is not null)
        {
            foreach (var (key, value) in variables)
            {
                all[key] = value;
            }
        }

        // Home Assistant strips what a value template renders, so "{% if … %} stopped {% endif %}" reads as "stopped".
        var result = Render(all, strict: true);
        return result.HasValue ? TemplateResult.Of(result.Text!.Trim()) : result;
    }

    /// <summary>Renders a command template: <c>value</c> is the value being sent, plus any extra variables.</summary>
    public TemplateResult RenderCommand(object? value, IReadOnlyDictionary<string, object?>? variables = null)
    {
        var all = new Dictionary<string, object?>(StringComparer.Ordinal) { ["value"] = value };
        if (variables is not null)
        {
            foreach (var (key, v) in variables)
            {
                all[key] = v;
            }
        }

        return Render(all, strict: false);
    }

    /// <summary>Renders with <paramref name="variables"/>. Strict: an undefined output yields <see cref="TemplateOutcome.Undefined"/>.</summary>
    public TemplateResult Render(IReadOnlyDictionary<string, object?>? variables, bool strict)
    {
        var output = new StringBuilder();
        var scope = new TemplateScope(variables ?? NoVariables);
        try
        {
            return TemplateNode.RenderAll(_nodes, output, scope, strict) is { } undefined
                ? TemplateResult.NoValue(undefined.Hint)
                : TemplateResult.Of(output.ToString());
        }
        catch (TemplateRuntimeException ex)
        {
            return TemplateResult.Failed(ex.Message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever else an input provokes (a cast, an overflow, an empty min()) fails this render, never the caller.
            return TemplateResult.Failed(ex.Message);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Source;
}
