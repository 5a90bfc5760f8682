namespace Switchboard.Fuzz;

/// <summary>
/// A target's own verdict that an input exposed a bug although nothing threw: a broken invariant (an envelope that
/// does not survive re-encoding), or a bug-class exception that the code under test caught and turned into an
/// ordinary failure. Like any other escaping exception it is a crash for afl and a failure for the replay tests.
/// </summary>
internal sealed class FuzzFindingException : Exception
{
    public FuzzFindingException(string message)
        : base(message)
    {
    }

    public FuzzFindingException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
