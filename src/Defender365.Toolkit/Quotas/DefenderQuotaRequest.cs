using Defender365.Toolkit.Catalog;

namespace Defender365.Toolkit.Quotas;

/// <summary>What the quota governor partitions by: one call of an operation for a tenant.</summary>
/// <param name="Operation">The catalog operation; its <see cref="DefenderQuota"/> says which quota the call counts against.</param>
/// <param name="TenantId">The customer tenant (compared without regard to case).</param>
public readonly record struct DefenderQuotaRequest(DefenderOperation Operation, string TenantId);
