using System.Diagnostics;
using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Secrets.Client.Packaging.Tests;

/// <summary>What a .NET team gets when it installs the packages into a fresh .NET 10 web app.</summary>
public sealed partial class PackagedAppTests(PackagedAppFixture fixture) : IClassFixture<PackagedAppFixture>
{
    private static readonly Guid EmbeddedSourceKind = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    [Fact]
    public void EveryProjectUnderSrcIsPacked()
    {
        Assert.Contains("Secrets.Client", fixture.PackageIds);
        foreach (var id in fixture.PackageIds)
        {
            Assert.True(File.Exists(Path.Combine(fixture.FeedDirectory, $"{id}.{fixture.Version}.nupkg")), $"{id} was not packed");
        }
    }

    [Fact]
    public void EveryPackageCarriesItsReadmeLicenseTagsAndDescription()
    {
        foreach (var id in fixture.PackageIds)
        {
            using var package = ZipFile.OpenRead(Path.Combine(fixture.FeedDirectory, $"{id}.{fixture.Version}.nupkg"));
            var metadata = ReadNuspecMetadata(package);
            string? Element(string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

            var readme = Element("readme");
            Assert.False(string.IsNullOrEmpty(readme), $"{id} has no readme");
            Assert.NotNull(package.GetEntry(readme!));
            Assert.Equal("MIT", Element("license"));
            Assert.Contains("secrets", Element("tags") ?? "", StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(Element("description")), $"{id} has no description");
        }
    }

    [Fact]
    public void EveryPackageHasASymbolPackageWhosePdbEmbedsItsSources()
    {
        foreach (var id in fixture.PackageIds)
        {
            using var symbols = ZipFile.OpenRead(Path.Combine(fixture.FeedDirectory, $"{id}.{fixture.Version}.snupkg"));
            var pdb = symbols.Entries.Single(e => e.FullName.EndsWith($"/{id}.pdb", StringComparison.Ordinal));
            using var stream = new MemoryStream();
            using (var entry = pdb.Open())
            {
                entry.CopyTo(stream);
            }

            stream.Position = 0;
            using var provider = MetadataReaderProvider.FromPortablePdbStream(stream);
            var reader = provider.GetMetadataReader();
            var embedded = reader.CustomDebugInformation
                .Select(reader.GetCustomDebugInformation)
                .Count(info => reader.GetGuid(info.Kind) == EmbeddedSourceKind);
            Assert.True(embedded > 0 && embedded == reader.Documents.Count, $"{id}: {embedded} of {reader.Documents.Count} sources embedded");
        }
    }

    [Fact]
    public void EveryLibraryDeclaresItselfTrimmableAndAotCompatible()
    {
        foreach (var id in fixture.LibraryPackageIds)
        {
            using var package = ZipFile.OpenRead(Path.Combine(fixture.FeedDirectory, $"{id}.{fixture.Version}.nupkg"));
            var assembly = package.Entries.Single(e => e.FullName == $"lib/net10.0/{id}.dll");
            using var stream = new MemoryStream();
            using (var entry = assembly.Open())
            {
                entry.CopyTo(stream);
            }

            stream.Position = 0;
            using var pe = new PEReader(stream);
            var reader = pe.GetMetadataReader();
            var metadata = reader.GetAssemblyDefinition().GetCustomAttributes()
                .Select(reader.GetCustomAttribute)
                .Where(a => IsAssemblyMetadataAttribute(reader, a))
                .Select(a => a.DecodeValue(new StringOnlyTypeProvider()))
                .ToDictionary(v => (string)v.FixedArguments[0].Value!, v => (string?)v.FixedArguments[1].Value);
            Assert.True(metadata.TryGetValue("IsTrimmable", out var trimmable) && trimmable == "True", $"{id} is not marked trimmable");
            Assert.True(metadata.TryGetValue("IsAotCompatible", out var aot) && aot == "True", $"{id} is not marked AOT-compatible");
        }
    }

    [Fact]
    public void AFreshWebAppKeepsTheSharedFrameworkMicrosoftExtensions()
    {
        // A library that references Microsoft.Extensions 11.x pulls app-local 11.x copies over a .NET 10 app's shared framework.
        var appLocal = Directory.GetFiles(fixture.BuildOutputDirectory, "Microsoft.Extensions.*.dll")
            .Select(path => (Name: Path.GetFileName(path), Version: FileVersionInfo.GetVersionInfo(path).FileMajorPart))
            .ToList();
        Assert.DoesNotContain(appLocal, file => file.Version >= 11);
        Assert.All(fixture.LibraryPackageIds, id => Assert.True(File.Exists(Path.Combine(fixture.BuildOutputDirectory, id + ".dll")), $"{id}.dll missing from the app"));
    }

    [Fact]
    public void ATrimmedPublishHasNoWarningFromOurAssemblies()
    {
        var ours = fixture.PublishOutput.Split('\n')
            .Where(line => TrimWarning().IsMatch(line) && line.Contains("Secrets.Client", StringComparison.Ordinal))
            .ToList();
        Assert.True(ours.Count == 0, "Trim/AOT warnings from Secrets.Client:\n" + string.Join('\n', ours));
        Assert.True(File.Exists(Path.Combine(fixture.PublishDirectory, "Secrets.Client.dll")), "the trimmed app lost Secrets.Client.dll");
    }

    private static XElement ReadNuspecMetadata(ZipArchive package)
    {
        using var nuspec = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static bool IsAssemblyMetadataAttribute(MetadataReader reader, CustomAttribute attribute)
    {
        if (attribute.Constructor.Kind != HandleKind.MemberReference)
        {
            return false;
        }

        var parent = reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent;
        return parent.Kind == HandleKind.TypeReference && reader.GetString(reader.GetTypeReference((TypeReferenceHandle)parent).Name) == "AssemblyMetadataAttribute";
    }

    [GeneratedRegex(@"warning IL\d{4}")]
    private static partial Regex TrimWarning();

    /// <summary>Decodes <c>AssemblyMetadataAttribute(string, string)</c>, the only attribute read here.</summary>
    private sealed class StringOnlyTypeProvider : ICustomAttributeTypeProvider<Type>
    {
        public Type GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode == PrimitiveTypeCode.String ? typeof(string) : typeof(object);

        public Type GetSystemType() => typeof(Type);

        public Type GetSZArrayType(Type elementType) => elementType.MakeArrayType();

        public Type GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => typeof(object);

        public Type GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => typeof(object);

        public Type GetTypeFromSerializedName(string name) => typeof(object);

        public PrimitiveTypeCode GetUnderlyingEnumType(Type type) => PrimitiveTypeCode.Int32;

        public bool IsSystemType(Type type) => type == typeof(Type);
    }
}
