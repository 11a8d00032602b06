using Defender365.Toolkit.Analyzers.Incremental;

namespace Defender365.Toolkit.Analyzers.Generation.Specs;

/// <summary>One model record (an entity or a JSON request body) and its converter.</summary>
/// <param name="TypeName">The record's name.</param>
/// <param name="Summary">Its summary.</param>
/// <param name="Properties">Its properties, one per wire name (names differing only in case are read as one); a member of a family has its base's first.</param>
/// <param name="Family">Its place in a polymorphic family (Graph alert evidence), or null for a plain record.</param>
internal sealed record ModelSpec(string TypeName, string Summary, EquatableArray<PropertySpec> Properties, FamilySpec? Family = null);

/// <summary>A model's place in a polymorphic family: the abstract base reads the discriminator and hands over to a member.</summary>
/// <param name="BaseType">For a member, the base record; null for the base itself.</param>
/// <param name="InheritedCount">For a member, how many of its properties the base declares.</param>
/// <param name="Discriminator">For the base, the wire property that names the kind.</param>
/// <param name="Members">For the base, each discriminator value and the member that reads it.</param>
/// <param name="UnknownType">For the base, the member for kinds not described or not readable.</param>
/// <param name="KeepsRaw">For the unknown member, it carries the object as raw JSON.</param>
internal sealed record FamilySpec(string? BaseType, int InheritedCount, string? Discriminator, EquatableArray<FamilyMemberSpec> Members, string? UnknownType, bool KeepsRaw)
{
    public bool IsBase => BaseType is null;
}

/// <param name="Discriminator">The discriminator's value (<c>#microsoft.graph.security.deviceEvidence</c>).</param>
/// <param name="TypeName">The member record.</param>
internal sealed record FamilyMemberSpec(string Discriminator, string TypeName);

/// <summary>One property of a model, with the code that reads and writes it.</summary>
/// <param name="Wire">The API's name for it.</param>
/// <param name="Name">The C# property name.</param>
/// <param name="Doc">Its summary (not escaped).</param>
/// <param name="Declaration">The whole property declaration.</param>
/// <param name="LocalType">The type the converter reads it into (nullable).</param>
/// <param name="Read">The expression that reads it from <c>reader</c>.</param>
/// <param name="Write">The statement that writes it from <c>value</c>.</param>
/// <param name="AlwaysSent">The service always sends it: reading fails without it.</param>
/// <param name="Unwrap">Read into a <c>Nullable&lt;T&gt;</c> and assigned with <c>.Value</c>.</param>
internal sealed record PropertySpec(string Wire, string Name, string Doc, string Declaration, string LocalType, string Read, string Write, bool AlwaysSent, bool Unwrap);

/// <summary>A tolerant enum: documented values plus whatever the service sends.</summary>
/// <param name="TypeName">The struct's name.</param>
/// <param name="Members">Each documented value and its member name (values whose names clash are left out).</param>
internal sealed record EnumSpec(string TypeName, EquatableArray<EnumMemberSpec> Members);

/// <param name="Name">The static property's name.</param>
/// <param name="Value">The wire value.</param>
internal sealed record EnumMemberSpec(string Name, string Value);
