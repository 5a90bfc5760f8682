using System.Text;

namespace Switchboard.HomeAssistant.Templates;

/// <summary>Variables visible to a render: the caller's, plus any <c>{% set %}</c> in the template.</summary>
internal sealed class TemplateScope
{
    private readonly IReadOnlyDictionary<string, object?> _variables;
    private Dictionary<string, object?>? _locals;

    public TemplateScope(IReadOnlyDictionary<string, object?> variables) => _variables = variables;

    public object? Lookup(string name)
    {
        if (_locals is not null && _locals.TryGetValue(name, out var local))
        {
            return local;
        }

        return _variables.TryGetValue(name, out var value) ? value : Undefined.Because($"'{name}' is undefined");
    }

    public void Set(string name, object? value) => (_locals ??= new(StringComparer.Ordinal))[name] = value;
}

/// <summary>A node of a parsed template body: literal text, an output block, a conditional, an assignment.</summary>
internal abstract class TemplateNode
{
    /// <summary>Renders into <paramref name="output"/>; returns the undefined value that stopped a strict render, else null.</summary>
    public abstract Undefined? Render(StringBuilder output, TemplateScope scope, bool strict);

    public static Undefined? RenderAll(IReadOnlyList<TemplateNode> nodes, StringBuilder output, TemplateScope scope, bool strict)
    {
        foreach (var node in nodes)
        {
            if (node.Render(output, scope, strict) is { } stopped)
            {
                return stopped;
            }
        }

        return null;
    }
}

internal sealed class TextNode(string text) : TemplateNode
{
    public string Text { get; set; } = text;

    public override Undefined? Render(StringBuilder output, TemplateScope scope, bool strict)
    {
        output.Append(Text);
        return null;
    }
}

internal sealed class OutputNode(Expr expression) : TemplateNode
{
    public override Undefined? Render(StringBuilder output, TemplateScope scope, bool strict)
    {
        var value = expression.Evaluate(scope);
        if (value is Undefined undefined && strict)
        {
            return undefined;
        }

        output.Append(PythonText.Str(value));
        return null;
    }
}

internal sealed class IfNode(List<(Expr Condition, List<TemplateNode> Body)> branches, List<TemplateNode>? otherwise) : TemplateNode
{
    public override Undefined? Render(StringBuilder output, TemplateScope scope, bool strict)
    {
        foreach (var (condition, body) in branches)
        {
            if (TemplateValues.IsTruthy(condition.Evaluate(scope)))
            {
                return RenderAll(body, output, scope, strict);
            }
        }

        return otherwise is null ? null : RenderAll(otherwise, output, scope, strict);
    }
}

internal sealed class SetNode(string name, Expr expression) : TemplateNode
{
    public override Undefined? Render(StringBuilder output, TemplateScope scope, bool strict)
    {
        scope.Set(name, expression.Evaluate(scope));
        return null;
    }
}

/// <summary>An expression; evaluation follows Python/Jinja semantics on <see cref="TemplateValues"/>.</summary>
internal abstract class Expr
{
    public abstract object? Evaluate(TemplateScope scope);
}

internal sealed class ConstantExpr(object? value) : Expr
{
    public object? Value { get; } = value;

    public override object? Evaluate(TemplateScope scope) => Value;
}

/// <summary>A list literal, or a tuple (evaluated to an array, which renders with parentheses).</summary>
internal sealed class ListExpr(List<Expr> items, bool isTuple) : Expr
{
    public override object? Evaluate(TemplateScope scope) =>
        isTuple ? items.Select(i => i.Evaluate(scope)).ToArray() : items.Select(i => i.Evaluate(scope)).ToList();
}

/// <summary>A dict literal; keys are evaluated in order and a repeated key keeps the last value.</summary>
internal sealed class DictExpr(List<(Expr Key, Expr Value)> entries) : Expr
{
    public override object? Evaluate(TemplateScope scope)
    {
        var dict = new TemplateDict();
        foreach (var (key, value) in entries)
        {
            dict.Set(key.Evaluate(scope), value.Evaluate(scope));
        }

        return dict;
    }
}

internal sealed class NameExpr(string name) : Expr
{
    public string Name { get; } = name;

    public override object? Evaluate(TemplateScope scope) => scope.Lookup(Name);
}

internal sealed class GetAttrExpr(Expr target, string name) : Expr
{
    public override object? Evaluate(TemplateScope scope) => TemplateFunctions.GetAttribute(target.Evaluate(scope), name);
}

internal sealed class GetItemExpr(Expr target, Expr index) : Expr
{
    public override object? Evaluate(TemplateScope scope) => TemplateFunctions.GetItem(target.Evaluate(scope), index.Evaluate(scope));
}

internal sealed class SliceExpr(Expr target, Expr? start, Expr? stop, Expr? step) : Expr
{
    public override object? Evaluate(TemplateScope scope) =>
        TemplateFunctions.Slice(target.Evaluate(scope), start?.Evaluate(scope), stop?.Evaluate(scope), step?.Evaluate(scope));
}

internal sealed record Arguments(List<Expr> Positional, List<(string Name, Expr Value)> Named)
{
    public static Arguments None { get; } = new([], []);

    public (List<object?> Positional, Dictionary<string, object?> Named) Evaluate(TemplateScope scope)
    {
        var positional = Positional.Select(a => a.Evaluate(scope)).ToList();
        var named = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in Named)
        {
            named[name] = value.Evaluate(scope);
        }

        return (positional, named);
    }
}

/// <summary>A call of a global function (<c>float(x)</c>) or of a method (<c>value.split(',')</c>).</summary>
internal sealed class CallExpr(Expr target, Arguments arguments, TemplateFunction? function) : Expr
{
    public override object? Evaluate(TemplateScope scope)
    {
        var (positional, named) = arguments.Evaluate(scope);
        if (function is not null)
        {
            return function(positional, named);
        }

        return target.Evaluate(scope) switch
        {
            BoundMethod method => TemplateFunctions.CallMethod(method, positional, named),
            Undefined u => u,
            var other => throw new TemplateRuntimeException($"'{TemplateValues.TypeName(other)}' object is not callable"),
        };
    }
}

internal sealed class FilterExpr(Expr target, string name, TemplateFilter filter, Arguments arguments) : Expr
{
    public override object? Evaluate(TemplateScope scope)
    {
        var value = target.Evaluate(scope);
        var (positional, named) = arguments.Evaluate(scope);
        return filter(value, new FilterArguments(name, positional, named));
    }
}

internal sealed class TestExpr(Expr target, TemplateTest test, bool negated, Arguments arguments) : Expr
{
    public override object? Evaluate(TemplateScope scope)
    {
        var value = target.Evaluate(scope);
        var (positional, _) = arguments.Evaluate(scope);
        return test(value, positional) != negated;
    }
}

internal sealed class NotExpr(Expr operand) : Expr
{
    public override object? Evaluate(TemplateScope scope) => !TemplateValues.IsTruthy(operand.Evaluate(scope));
}

internal sealed class NegateExpr(Expr operand, bool negative) : Expr
{
    public override object? Evaluate(TemplateScope scope)
    {
        var value = operand.Evaluate(scope);
        return value switch
        {
            Undefined => value,
            long l => (object)(negative ? -l : l),
            double d => negative ? -d : d,
            bool b => negative ? -(b ? 1L : 0L) : (b ? 1L : 0L),
            _ => throw new TemplateRuntimeException($"bad operand type for unary {(negative ? '-' : '+')}: '{TemplateValues.TypeName(value)}'"),
        };
    }
}

internal sealed class BinaryExpr(string op, Expr left, Expr right) : Expr
{
    public override object? Evaluate(TemplateScope scope) => TemplateFunctions.Binary(op, left.Evaluate(scope), right.Evaluate(scope));
}

internal sealed class AndExpr(Expr left, Expr right) : Expr
{
    public override object? Evaluate(TemplateScope scope)
    {
        var l = left.Evaluate(scope);
        return TemplateValues.IsTruthy(l) ? right.Evaluate(scope) : l;
    }
}

internal sealed class OrExpr(Expr left, Expr right) : Expr
{
    public override object? Evaluate(TemplateScope scope)
    {
        var l = left.Evaluate(scope);
        return TemplateValues.IsTruthy(l) ? l : right.Evaluate(scope);
    }
}

/// <summary>A comparison chain: <c>a &lt; b &lt;= c</c> means <c>a &lt; b and b &lt;= c</c>.</summary>
internal sealed class CompareExpr(Expr first, List<(string Op, Expr Operand)> rest) : Expr
{
    public override object? Evaluate(TemplateScope scope)
    {
        var left = first.Evaluate(scope);
        foreach (var (op, operandExpr) in rest)
        {
            var right = operandExpr.Evaluate(scope);
            var result = TemplateFunctions.Compare(op, left, right);
            if (result is Undefined)
            {
                return result;
            }

            if (!(bool)result!)
            {
                return false;
            }

            left = right;
        }

        return true;
    }
}

/// <summary><c>body if test else orelse</c>; without <c>else</c> a false test yields undefined.</summary>
internal sealed class ConditionalExpr(Expr body, Expr test, Expr? orelse) : Expr
{
    public override object? Evaluate(TemplateScope scope) =>
        TemplateValues.IsTruthy(test.Evaluate(scope))
            ? body.Evaluate(scope)
            : orelse is null ? Undefined.Because("the inline if had no else branch") : orelse.Evaluate(scope);
}
