namespace Switchboard.HomeAssistant;

/// <summary>How several availability topics combine (<c>availability_mode</c>).</summary>
public enum AvailabilityMode
{
    /// <summary><c>latest</c> (the default): the last availability message received on any topic decides.</summary>
    Latest,

    /// <summary><c>all</c>: available only when every topic has said available.</summary>
    All,

    /// <summary><c>any</c>: available when at least one topic says available.</summary>
    Any,
}
