namespace Switchboard;

/// <summary>Base class of every error Switchboard raises.</summary>
public class SwitchboardException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public SwitchboardException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public SwitchboardException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
