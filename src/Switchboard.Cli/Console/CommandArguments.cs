using System.Globalization;

namespace Switchboard.Cli;

/// <summary>
/// The parsed command line: <c>switchboard &lt;command&gt; [positionals] [--name value] [--flag]</c>. Every option
/// read must be declared by the command; anything left over is a usage error naming it.
/// </summary>
internal sealed class CommandArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private CommandArguments(string command, List<string> positionals)
    {
        Command = command;
        Positionals = positionals;
    }

    public string Command { get; }

    public List<string> Positionals { get; }

    /// <summary>The names of the options given (without the dashes), in no particular order.</summary>
    public IEnumerable<string> OptionNames => _options.Keys;

    /// <summary>Parses; options with a value are <c>--name value</c> or <c>--name=value</c>; known flags take none.</summary>
    public static CommandArguments Parse(string[] args, IReadOnlySet<string> flags)
    {
        if (args.Length == 0)
        {
            return new CommandArguments("help", []);
        }

        var parsed = new CommandArguments(args[0], []);
        for (var i = 1; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                parsed.Positionals.Add(arg);
                continue;
            }

            var name = arg[2..];
            string? value = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (!flags.Contains(name))
            {
                if (i + 1 >= args.Length)
                {
                    throw new UsageException($"--{name} needs a value.");
                }

                value = args[++i];
            }

            parsed._options[name] = value;
        }

        return parsed;
    }

    public string? Get(string name)
    {
        _read.Add(name);
        return _options.GetValueOrDefault(name);
    }

    public string Require(string name, string what) =>
        Get(name) ?? throw new UsageException($"--{name} is required ({what}).");

    public bool Flag(string name)
    {
        _read.Add(name);
        return _options.ContainsKey(name);
    }

    public int Int(string name, int fallback, int min, int max)
    {
        var raw = Get(name);
        if (raw is null)
        {
            return fallback;
        }

        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"--{name} '{raw}' must be a whole number between {min} and {max}.");
        }

        return value;
    }

    public double Seconds(string name, double fallback)
    {
        var raw = Get(name);
        if (raw is null)
        {
            return fallback;
        }

        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            throw new UsageException($"--{name} '{raw}' must be a number of seconds.");
        }

        return value;
    }

    public Qos Qos(string name = "qos", Qos fallback = Switchboard.Qos.AtLeastOnce) => Int(name, (int)fallback, 0, 2) switch
    {
        0 => Switchboard.Qos.AtMostOnce,
        1 => Switchboard.Qos.AtLeastOnce,
        _ => Switchboard.Qos.ExactlyOnce,
    };

    /// <summary>Fails on options the command never asked for, so a typo is an error rather than silently ignored.</summary>
    public void ThrowIfUnknown()
    {
        var unknown = _options.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"Unknown option{(unknown.Count > 1 ? "s" : string.Empty)} for '{Command}': {string.Join(", ", unknown.Select(u => "--" + u))}.");
        }
    }
}
