using Defender365.Toolkit.Authorization;
using Defender365.Toolkit.Catalog;

namespace Defender365.Toolkit.Tests.Catalog;

public sealed class PermissionImplicationTests
{
    private static readonly DefenderResource ThreatProtection = DefenderCatalog.Default.GetResource(DefenderResourceIds.ThreatProtection);

    [Fact]
    public void ReadWrite_covers_Read_but_not_the_reverse()
    {
        Assert.True(ThreatProtection.Covers(["Incident.ReadWrite.All"], "Incident.Read.All"));
        Assert.False(ThreatProtection.Covers(["Incident.Read.All"], "Incident.ReadWrite.All"));
    }

    [Fact]
    public void Any_of_requirement_is_met_by_one_alternative()
    {
        var list = DefenderCatalog.Default.GetOperation("ListIncidents");
        Assert.True(ThreatProtection.IsSatisfiedBy(list.ApplicationPermissions, ["Incident.ReadWrite.All"]));
        Assert.False(ThreatProtection.IsSatisfiedBy(list.ApplicationPermissions, ["AdvancedHunting.Read.All"]));
    }

    [Fact]
    public void Consent_drift_reports_missing_and_extra()
    {
        var drift = ConsentDrift.Compare("t1", ThreatProtection, ["Incident.Read.All", "AdvancedHunting.Read.All"], ["Incident.ReadWrite.All"]);
        Assert.Equal(["AdvancedHunting.Read.All"], drift.Missing);
        Assert.Equal(["Incident.ReadWrite.All"], drift.Extra);
        Assert.False(drift.IsComplete);
    }

    [Fact]
    public void Unknown_operation_suggests_the_closest()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => DefenderCatalog.Default.GetOperation("ListIncident"));
        Assert.Contains("Did you mean 'ListIncidents'", error.Message, StringComparison.Ordinal);
    }
}
