using Microsoft.Extensions.DependencyInjection;

namespace Switchboard.Hosting.Internal;

internal sealed class SwitchboardBuilder(IServiceCollection services, string name) : ISwitchboardBuilder
{
    public string Name { get; } = name;

    public IServiceCollection Services { get; } = services;
}
