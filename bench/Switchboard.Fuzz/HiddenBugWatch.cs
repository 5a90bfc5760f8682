using System.Runtime.ExceptionServices;

namespace Switchboard.Fuzz;

/// <summary>
/// Catches bugs that the code under test hides. The template renderer and the discovery registry turn every exception
/// into a "failed" result so that a bad message cannot take a client down; that is right in production, but it would
/// also hide a NullReferenceException or an IndexOutOfRangeException from the fuzzer. This watch sees each exception
/// when it is thrown (first chance, before any catch), on the thread that armed it, and remembers the first one of a
/// bug class; <see cref="Dispose"/> then reports it as a finding.
/// </summary>
internal sealed class HiddenBugWatch : IDisposable
{
    [ThreadStatic]
    private static HiddenBugWatch? _current;

    private Exception? _first;

    static HiddenBugWatch()
    {
        AppDomain.CurrentDomain.FirstChanceException += OnFirstChance;
    }

    private HiddenBugWatch()
    {
    }

    /// <summary>Starts watching the current thread until the returned watch is disposed.</summary>
    public static HiddenBugWatch Arm()
    {
        var watch = new HiddenBugWatch();
        _current = watch;
        return watch;
    }

    /// <summary>True for exception types that only a bug throws: no parser here documents any of them as its answer
    /// to bad input (overflows, casts and an empty min() are documented template failures, so they are not listed).</summary>
    public static bool IsBugClass(Exception exception) => exception is NullReferenceException
        or IndexOutOfRangeException
        or ArgumentOutOfRangeException
        or ArgumentNullException
        or KeyNotFoundException
        or InsufficientExecutionStackException
        or AccessViolationException
        or StackOverflowException;

    /// <summary>Stops watching; throws <see cref="FuzzFindingException"/> when a bug-class exception was thrown and caught inside.</summary>
    public void Dispose()
    {
        if (ReferenceEquals(_current, this))
        {
            _current = null;
        }

        if (_first is { } first)
        {
            throw new FuzzFindingException($"{first.GetType().Name} was thrown and then caught by the code under test: {first.Message}", first);
        }
    }

    private static void OnFirstChance(object? sender, FirstChanceExceptionEventArgs e)
    {
        if (_current is { _first: null } watch && IsBugClass(e.Exception))
        {
            watch._first = e.Exception;
        }
    }
}
