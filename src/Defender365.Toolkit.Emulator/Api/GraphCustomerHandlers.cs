using System.Text.Json.Nodes;

namespace Defender365.Toolkit.Emulator.Api;

/// <summary>
/// The partner's GDAP customers (<c>/tenantRelationships/delegatedAdminCustomers</c>): every other tenant the emulator
/// knows, so an app can walk the roster and check consent in each, as partners do against the real roster.
/// </summary>
internal static class GraphCustomerHandlers
{
    public static void Register(IDictionary<string, Func<ApiRequest, IResult>> handlers)
    {
        handlers["GraphSecurity.ListDelegatedAdminCustomers"] = r => r.List(Customers(r).ToList(), "tenantRelationships/delegatedAdminCustomers");
        handlers["GraphSecurity.GetDelegatedAdminCustomer"] = r =>
            Customers(r).FirstOrDefault(c => string.Equals(c["id"]!.GetValue<string>(), r.PathValue("delegatedAdminCustomerId"), StringComparison.OrdinalIgnoreCase)) is { } customer
                ? r.Ok(customer)
                : r.NotFound("Delegated admin customer", r.PathValue("delegatedAdminCustomerId"));
    }

    private static IEnumerable<JsonObject> Customers(ApiRequest r) =>
        r.State.Options.Tenants
            .Where(t => !t.Matches(r.TenantId))
            .Select(t => new JsonObject { ["id"] = t.TenantId, ["tenantId"] = t.TenantId, ["displayName"] = t.DisplayName });
}
