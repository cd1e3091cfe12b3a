using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.EntityFrameworkCore.Internal;

/// <summary>Adds the per-context <see cref="WebhookOutboxStage"/> to EF Core's internal service provider.</summary>
internal sealed class WebhookOutboxOptionsExtension : IDbContextOptionsExtension
{
    private DbContextOptionsExtensionInfo? _info;

    public DbContextOptionsExtensionInfo Info => _info ??= new ExtensionInfo(this);

    public void ApplyServices(IServiceCollection services)
    {
        services.AddScoped<WebhookOutboxStage>();
        services.AddScoped<IResettableService>(static provider => provider.GetRequiredService<WebhookOutboxStage>());
    }

    public void Validate(IDbContextOptions options)
    {
    }

    private sealed class ExtensionInfo(IDbContextOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;

        public override string LogFragment => "using Choreblimey webhooks outbox ";

        public override int GetServiceProviderHashCode() => 0;

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo) => debugInfo["Choreblimey:WebhooksOutbox"] = "1";
    }
}
