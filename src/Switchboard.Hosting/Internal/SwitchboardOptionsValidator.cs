using Microsoft.Extensions.Options;

namespace Switchboard.Hosting.Internal;

/// <summary>Validates the options the way the client does, by creating the shared client (whose constructor
/// validates every setting, naming the property, its environment variable and the bad value).</summary>
internal sealed class SwitchboardOptionsValidator(SwitchboardClientHolder holder) : IValidateOptions<SwitchboardOptions>
{
    public ValidateOptionsResult Validate(string? name, SwitchboardOptions options)
    {
        if (name is not null && name != Options.DefaultName)
        {
            return ValidateOptionsResult.Skip;
        }

        try
        {
            holder.GetOrCreate(options);
            return ValidateOptionsResult.Success;
        }
        catch (SwitchboardConfigurationException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}
