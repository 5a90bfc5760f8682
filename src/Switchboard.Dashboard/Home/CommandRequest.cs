namespace Switchboard.Dashboard.Home;

/// <summary>A control the page sends: the entity, the action (see <see cref="ControlSpec"/>) and its value, a number
/// (<see cref="Number"/>) or a word (<see cref="Text"/>).</summary>
internal sealed record CommandRequest(string? Id, string? Action, double? Number = null, string? Text = null);

/// <summary>What became of a control: <see cref="Ok"/>, or the error to show on the card.</summary>
internal sealed record CommandResult(bool Ok, string? Error = null);
