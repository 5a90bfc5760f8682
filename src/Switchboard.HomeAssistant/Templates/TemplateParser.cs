namespace Switchboard.HomeAssistant.Templates;

/// <summary>
/// Parses template text — literal text, <c>{{ expression }}</c>, <c>{% if/elif/else/endif %}</c>, <c>{% set %}</c>,
/// <c>{# comments #}</c>, with <c>-</c> whitespace control — into nodes. Literals: strings, numbers, <c>True/False/None</c>,
/// lists <c>[…]</c>, tuples <c>(a, b)</c> and dicts <c>{key: value}</c>. Expressions follow Jinja's grammar and
/// precedence: inline <c>if/else</c>, <c>or</c>, <c>and</c>, <c>not</c>, comparisons and <c>in</c>, <c>+ -</c>, <c>~</c>,
/// <c>* / // %</c>, <c>**</c>, unary minus, then postfix <c>.name</c>, <c>[index]</c>, <c>[a:b]</c>, calls, <c>| filter</c>
/// and <c>is test</c>. Anything outside the subset (unknown filters, tests, functions or statements) is a
/// <see cref="TemplateSyntaxException"/>, so such a template is never half-evaluated.
/// </summary>
internal static class TemplateParser
{
    /// <summary>How deep expressions and blocks may nest; deeper text is refused rather than risking the stack.</summary>
    public const int MaxNesting = 64;

    /// <summary>How many tokens one expression may have: operator chains evaluate recursively, so their length is a depth too.</summary>
    public const int MaxTokens = 4096;

    public static List<TemplateNode> Parse(string source)
    {
        var items = Scan(source);
        var index = 0;
        var body = ParseBody(items, ref index, source, out var terminator, [], 0);
        if (terminator is not null)
        {
            throw new TemplateSyntaxException($"unexpected '{{% {terminator} %}}'", items[index - 1].Position);
        }

        return body;
    }

    private static List<Item> Scan(string source)
    {
        var items = new List<Item>();
        var i = 0;
        var stripLeading = false;
        while (true)
        {
            var open = FindOpening(source, i);
            var text = open < 0 ? source[i..] : source[i..open];
            var stripTrailing = open >= 0 && open + 2 < source.Length && source[open + 2] == '-';
            if (stripLeading)
            {
                text = text.TrimStart();
            }

            if (stripTrailing)
            {
                text = text.TrimEnd();
            }

            if (text.Length > 0)
            {
                items.Add(new Item(ItemKind.Text, i, text, null));
            }

            if (open < 0)
            {
                return items;
            }

            var start = open + 2 + (stripTrailing ? 1 : 0);
            switch (source[open + 1])
            {
                case '#':
                    var close = source.IndexOf("#}", start, StringComparison.Ordinal);
                    if (close < 0)
                    {
                        throw new TemplateSyntaxException("unterminated comment", open);
                    }

                    stripLeading = close > start && source[close - 1] == '-';
                    i = close + 2;
                    break;
                case '{':
                    var position = start;
                    var tokens = TemplateLexer.ReadBlock(source, ref position, "}}");
                    stripLeading = tokens[^1].StripAfter;
                    items.Add(new Item(ItemKind.Output, open, null, tokens));
                    i = position;
                    break;
                default:
                    var statementPosition = start;
                    var statement = TemplateLexer.ReadBlock(source, ref statementPosition, "%}");
                    stripLeading = statement[^1].StripAfter;
                    items.Add(new Item(ItemKind.Statement, open, null, statement));
                    i = statementPosition;
                    break;
            }
        }
    }

    private static int FindOpening(string source, int from)
    {
        for (var i = from; i < source.Length - 1; i++)
        {
            if (source[i] == '{' && source[i + 1] is '{' or '%' or '#')
            {
                return i;
            }
        }

        return -1;
    }

    private static List<TemplateNode> ParseBody(List<Item> items, ref int index, string source, out string? terminator, string[] terminators, int nesting)
    {
        var nodes = new List<TemplateNode>();
        while (index < items.Count)
        {
            var item = items[index++];
            switch (item.Kind)
            {
                case ItemKind.Text:
                    nodes.Add(new TextNode(item.Text!));
                    continue;
                case ItemKind.Output:
                    nodes.Add(new OutputNode(ParseExpression(item.Tokens!, 0, item.Tokens!.Count - 1)));
                    continue;
            }

            var tokens = item.Tokens!;
            if (tokens[0].Kind != TokenKind.Name)
            {
                throw new TemplateSyntaxException("expected a statement name", tokens[0].Position);
            }

            var keyword = tokens[0].Text;
            if (terminators.Contains(keyword))
            {
                terminator = keyword;
                return nodes;
            }

            switch (keyword)
            {
                case "if":
                    if (nesting >= MaxNesting)
                    {
                        throw new TemplateSyntaxException($"blocks nested more than {MaxNesting} deep", tokens[0].Position);
                    }

                    nodes.Add(ParseIf(items, ref index, source, tokens, nesting + 1));
                    break;
                case "set":
                    if (tokens.Count < 4 || tokens[1].Kind != TokenKind.Name || tokens[2] is not { Kind: TokenKind.Operator, Text: "=" })
                    {
                        throw new TemplateSyntaxException("expected '{% set name = expression %}'", tokens[0].Position);
                    }

                    nodes.Add(new SetNode(tokens[1].Text, ParseExpression(tokens, 3, tokens.Count - 1)));
                    break;
                default:
                    throw new TemplateSyntaxException($"unsupported statement '{keyword}'", tokens[0].Position);
            }
        }

        if (terminators.Length > 0)
        {
            throw new TemplateSyntaxException($"unexpected end of template, expected '{string.Join("' or '", terminators)}'", source.Length);
        }

        terminator = null;
        return nodes;
    }

    private static IfNode ParseIf(List<Item> items, ref int index, string source, List<Token> header, int nesting)
    {
        var branches = new List<(Expr, List<TemplateNode>)>();
        var condition = ParseExpression(header, 1, header.Count - 1);
        while (true)
        {
            var body = ParseBody(items, ref index, source, out var terminator, ["elif", "else", "endif"], nesting);
            branches.Add((condition, body));
            if (terminator == "elif")
            {
                var tokens = items[index - 1].Tokens!;
                condition = ParseExpression(tokens, 1, tokens.Count - 1);
                continue;
            }

            List<TemplateNode>? otherwise = null;
            if (terminator == "else")
            {
                otherwise = ParseBody(items, ref index, source, out _, ["endif"], nesting);
            }

            return new IfNode(branches, otherwise);
        }
    }

    private static Expr ParseExpression(List<Token> tokens, int start, int end)
    {
        if (start >= end)
        {
            throw new TemplateSyntaxException("expected an expression", tokens[Math.Min(start, tokens.Count - 1)].Position);
        }

        if (end - start > MaxTokens)
        {
            throw new TemplateSyntaxException($"expression longer than {MaxTokens} tokens", tokens[start].Position);
        }

        var parser = new ExpressionParser(tokens, start, end);
        return parser.ParseAll();
    }

    private enum ItemKind
    {
        Text,
        Output,
        Statement,
    }

    private sealed record Item(ItemKind Kind, int Position, string? Text, List<Token>? Tokens);

    private sealed class ExpressionParser(List<Token> tokens, int start, int end)
    {
        private static readonly HashSet<string> CompareOperators = new(StringComparer.Ordinal) { "==", "!=", "<", "<=", ">", ">=" };
        private int _i = start;
        private int _depth;

        private Token Current => _i < end ? tokens[_i] : tokens[end];

        public Expr ParseAll()
        {
            var expression = ParseConditional();
            if (_i < end)
            {
                throw new TemplateSyntaxException($"unexpected '{tokens[_i].Text}'", tokens[_i].Position);
            }

            return expression;
        }

        private bool AtOperator(string op) => _i < end && tokens[_i].Kind == TokenKind.Operator && tokens[_i].Text == op;

        private bool AtName(string name) => _i < end && tokens[_i].Kind == TokenKind.Name && tokens[_i].Text == name;

        private bool NextIsName(string name) => _i + 1 < end && tokens[_i + 1].Kind == TokenKind.Name && tokens[_i + 1].Text == name;

        private Token Expect(TokenKind kind, string? text = null)
        {
            var token = Current;
            if (_i >= end || token.Kind != kind || (text is not null && token.Text != text))
            {
                throw new TemplateSyntaxException($"expected {(text is null ? kind.ToString().ToLowerInvariant() : $"'{text}'")}, got '{(_i >= end ? "end of expression" : token.Text)}'", token.Position);
            }

            _i++;
            return token;
        }

        private Expr ParseConditional()
        {
            Enter();
            try
            {
                return ParseConditionalCore();
            }
            finally
            {
                _depth--;
            }
        }

        private void Enter()
        {
            if (++_depth > MaxNesting)
            {
                throw new TemplateSyntaxException($"expression nested more than {MaxNesting} deep", Current.Position);
            }
        }

        private Expr ParseConditionalCore()
        {
            var expression = ParseOr();
            while (AtName("if"))
            {
                _i++;
                var test = ParseOr();
                Expr? orelse = null;
                if (AtName("else"))
                {
                    _i++;
                    orelse = ParseConditional();
                }

                expression = new ConditionalExpr(expression, test, orelse);
            }

            return expression;
        }

        private Expr ParseOr()
        {
            var left = ParseAnd();
            while (AtName("or"))
            {
                _i++;
                left = new OrExpr(left, ParseAnd());
            }

            return left;
        }

        private Expr ParseAnd()
        {
            var left = ParseNot();
            while (AtName("and"))
            {
                _i++;
                left = new AndExpr(left, ParseNot());
            }

            return left;
        }

        private Expr ParseNot()
        {
            if (AtName("not"))
            {
                _i++;
                Enter();
                try
                {
                    return new NotExpr(ParseNot());
                }
                finally
                {
                    _depth--;
                }
            }

            return ParseCompare();
        }

        private Expr ParseCompare()
        {
            var first = ParseAdditive();
            List<(string, Expr)>? rest = null;
            while (true)
            {
                string op;
                if (_i < end && tokens[_i].Kind == TokenKind.Operator && CompareOperators.Contains(tokens[_i].Text))
                {
                    op = tokens[_i++].Text;
                }
                else if (AtName("in"))
                {
                    _i++;
                    op = "in";
                }
                else if (AtName("not") && NextIsName("in"))
                {
                    _i += 2;
                    op = "not in";
                }
                else
                {
                    break;
                }

                (rest ??= []).Add((op, ParseAdditive()));
            }

            return rest is null ? first : new CompareExpr(first, rest);
        }

        private Expr ParseAdditive()
        {
            var left = ParseConcat();
            while (AtOperator("+") || AtOperator("-"))
            {
                var op = tokens[_i++].Text;
                left = new BinaryExpr(op, left, ParseConcat());
            }

            return left;
        }

        private Expr ParseConcat()
        {
            var left = ParseMultiplicative();
            while (AtOperator("~"))
            {
                _i++;
                left = new BinaryExpr("~", left, ParseMultiplicative());
            }

            return left;
        }

        private Expr ParseMultiplicative()
        {
            var left = ParsePower();
            while (AtOperator("*") || AtOperator("/") || AtOperator("//") || AtOperator("%"))
            {
                var op = tokens[_i++].Text;
                left = new BinaryExpr(op, left, ParsePower());
            }

            return left;
        }

        private Expr ParsePower()
        {
            var left = ParseUnary(withFilter: true);
            while (AtOperator("**"))
            {
                _i++;
                left = new BinaryExpr("**", left, ParseUnary(withFilter: true));
            }

            return left;
        }

        private Expr ParseUnary(bool withFilter)
        {
            Expr node;
            if (AtOperator("-") || AtOperator("+"))
            {
                var negative = tokens[_i++].Text == "-";
                Enter();
                try
                {
                    node = new NegateExpr(ParseUnary(withFilter: false), negative);
                }
                finally
                {
                    _depth--;
                }
            }
            else
            {
                node = ParsePostfix(ParsePrimary());
            }

            return withFilter ? ParseFilters(node) : node;
        }

        private Expr ParsePrimary()
        {
            var token = Current;
            if (_i >= end)
            {
                throw new TemplateSyntaxException("unexpected end of expression", token.Position);
            }

            switch (token.Kind)
            {
                case TokenKind.Name:
                    _i++;
                    return token.Text switch
                    {
                        "True" or "true" => new ConstantExpr(true),
                        "False" or "false" => new ConstantExpr(false),
                        "None" or "none" => new ConstantExpr(null),
                        _ => new NameExpr(token.Text),
                    };
                case TokenKind.String:
                    var text = (string)token.Value!;
                    _i++;
                    while (_i < end && tokens[_i].Kind == TokenKind.String)
                    {
                        text += (string)tokens[_i++].Value!;
                    }

                    return new ConstantExpr(text);
                case TokenKind.Integer:
                case TokenKind.Float:
                    _i++;
                    return new ConstantExpr(token.Value);
                case TokenKind.Operator when token.Text == "(":
                    _i++;
                    if (AtOperator(")"))
                    {
                        _i++;
                        return new ListExpr([], isTuple: true);
                    }

                    var inner = ParseConditional();
                    if (AtOperator(","))
                    {
                        var members = new List<Expr> { inner };
                        while (AtOperator(","))
                        {
                            _i++;
                            if (AtOperator(")"))
                            {
                                break;
                            }

                            members.Add(ParseConditional());
                        }

                        Expect(TokenKind.Operator, ")");
                        return new ListExpr(members, isTuple: true);
                    }

                    Expect(TokenKind.Operator, ")");
                    return inner;
                case TokenKind.Operator when token.Text == "{":
                    _i++;
                    var entries = new List<(Expr, Expr)>();
                    while (!AtOperator("}"))
                    {
                        var key = ParseConditional();
                        Expect(TokenKind.Operator, ":");
                        entries.Add((key, ParseConditional()));
                        if (!AtOperator(","))
                        {
                            break;
                        }

                        _i++;
                    }

                    Expect(TokenKind.Operator, "}");
                    return new DictExpr(entries);
                case TokenKind.Operator when token.Text == "[":
                    _i++;
                    var items = new List<Expr>();
                    while (!AtOperator("]"))
                    {
                        items.Add(ParseConditional());
                        if (!AtOperator(","))
                        {
                            break;
                        }

                        _i++;
                    }

                    Expect(TokenKind.Operator, "]");
                    return new ListExpr(items, isTuple: false);
                default:
                    throw new TemplateSyntaxException($"unexpected '{token.Text}'", token.Position);
            }
        }

        private Expr ParsePostfix(Expr node)
        {
            while (true)
            {
                if (AtOperator("."))
                {
                    _i++;
                    var token = Current;
                    if (_i < end && token.Kind == TokenKind.Integer)
                    {
                        _i++;
                        node = new GetItemExpr(node, new ConstantExpr(token.Value));
                    }
                    else
                    {
                        node = new GetAttrExpr(node, Expect(TokenKind.Name).Text);
                    }
                }
                else if (AtOperator("["))
                {
                    _i++;
                    node = ParseSubscript(node);
                }
                else if (AtOperator("("))
                {
                    node = ParseCall(node);
                }
                else
                {
                    return node;
                }
            }
        }

        private Expr ParseSubscript(Expr target)
        {
            Expr? first = null;
            if (!AtOperator(":"))
            {
                first = ParseConditional();
            }

            if (AtOperator("]"))
            {
                _i++;
                return first is null ? throw new TemplateSyntaxException("expected an index", Current.Position) : new GetItemExpr(target, first);
            }

            Expect(TokenKind.Operator, ":");
            Expr? stop = null;
            Expr? step = null;
            if (!AtOperator("]") && !AtOperator(":"))
            {
                stop = ParseConditional();
            }

            if (AtOperator(":"))
            {
                _i++;
                if (!AtOperator("]"))
                {
                    step = ParseConditional();
                }
            }

            Expect(TokenKind.Operator, "]");
            return new SliceExpr(target, first, stop, step);
        }

        private Expr ParseCall(Expr target)
        {
            var position = Current.Position;
            var arguments = ParseArguments();
            TemplateFunction? function = null;
            if (target is NameExpr name)
            {
                if (!TemplateFunctions.Globals.TryGetValue(name.Name, out function))
                {
                    throw new TemplateSyntaxException($"unsupported function '{name.Name}'", position);
                }
            }

            return new CallExpr(target, arguments, function);
        }

        private Arguments ParseArguments()
        {
            Expect(TokenKind.Operator, "(");
            var positional = new List<Expr>();
            var named = new List<(string, Expr)>();
            while (!AtOperator(")"))
            {
                if (_i + 1 < end && tokens[_i].Kind == TokenKind.Name && tokens[_i + 1] is { Kind: TokenKind.Operator, Text: "=" })
                {
                    var key = tokens[_i].Text;
                    _i += 2;
                    named.Add((key, ParseConditional()));
                }
                else
                {
                    positional.Add(ParseConditional());
                }

                if (!AtOperator(","))
                {
                    break;
                }

                _i++;
            }

            Expect(TokenKind.Operator, ")");
            return new Arguments(positional, named);
        }

        private Expr ParseFilters(Expr node)
        {
            while (true)
            {
                if (AtOperator("|"))
                {
                    _i++;
                    var nameToken = Expect(TokenKind.Name);
                    if (!TemplateFunctions.Filters.TryGetValue(nameToken.Text, out var filter))
                    {
                        throw new TemplateSyntaxException($"unsupported filter '{nameToken.Text}'", nameToken.Position);
                    }

                    var arguments = AtOperator("(") ? ParseArguments() : Arguments.None;
                    node = new FilterExpr(node, nameToken.Text, filter, arguments);
                }
                else if (AtName("is"))
                {
                    _i++;
                    var negated = false;
                    if (AtName("not"))
                    {
                        _i++;
                        negated = true;
                    }

                    var nameToken = Expect(TokenKind.Name);
                    var testName = nameToken.Text is "None" or "True" or "False" ? nameToken.Text.ToLowerInvariant() : nameToken.Text;
                    if (!TemplateFunctions.Tests.TryGetValue(testName, out var test))
                    {
                        throw new TemplateSyntaxException($"unsupported test '{nameToken.Text}'", nameToken.Position);
                    }

                    var arguments = AtOperator("(") ? ParseArguments() : Arguments.None;
                    node = new TestExpr(node, test, negated, arguments);
                }
                else
                {
                    return node;
                }
            }
        }
    }
}
