package pnpm

import "testing"

// TestStoreDirName holds StoreDirName to the names real pnpm gave: the
// hashed pnpm 10 name is what pnpm 10.34.9 wrote installing the example;
// the pnpm 9 one is pnpm 9's createBase32Hash (md5, base32) of the same.
func TestStoreDirName(t *testing.T) {
	nest := "@nestjs/core@11.1.9(@nestjs/common@11.1.9(reflect-metadata@0.2.2)(rxjs@7.8.2))(@nestjs/platform-express@11.1.9)(reflect-metadata@0.2.2)(rxjs@7.8.2)"
	for _, tc := range []struct {
		depPath string
		major   int
		want    string
	}{
		{"sharp@0.34.5", 10, "sharp@0.34.5"},
		{"@img/sharp-linux-x64@0.34.5", 10, "@img+sharp-linux-x64@0.34.5"},
		{"/@img/sharp-linux-x64@0.34.5", 8, "@img+sharp-linux-x64@0.34.5"}, // lockfile 6.0 keys
		{"next@15.5.6(react-dom@19.2.0(react@19.2.0))(react@19.2.0)", 10, "next@15.5.6_react-dom@19.2.0_react@19.2.0__react@19.2.0"},
		{"@prisma/client@6.1.0(prisma@6.1.0(typescript@5.9.3))(typescript@5.9.3)", 9, "@prisma+client@6.1.0_prisma@6.1.0_typescript@5.9.3__typescript@5.9.3"},
		{nest, 10, "@nestjs+core@11.1.9_@nestjs+common@11.1.9_reflect-metadata@0.2.2_rxjs@7.8.2__@nestjs+pl_e6e9c70d351bb0b87e2f9c662f5e6e83"},
		{nest, 9, "@nestjs+core@11.1.9_@nestjs+common@11.1.9_reflect-metadata@0.2.2_rxjs@7.8.2__@nestjs+platform_n67jbdzmady2cfjdbbjvdvei34"},
		{"x@git+https://h/a#b", 10, "x@git+https+++h+a+b"},
		{"x@git+https://h/a#b", 9, "x@git+https+++h+a#b"},
	} {
		if got := StoreDirName(tc.depPath, tc.major, 120); got != tc.want {
			t.Errorf("StoreDirName(%q, pnpm %d) = %q, want %q", tc.depPath, tc.major, got, tc.want)
		}
	}
	// Capitals are hashed even when short: the prefix keeps them.
	if got := StoreDirName("Foo@1.0.0", 10, 120); len(got) != len("Foo@1.0.0")+33 || got[:9] != "Foo@1.0.0" {
		t.Errorf("a capitalised name = %q, want Foo@1.0.0_<32 hex digits>", got)
	}
}

// TestWorkspaceEntry: a workspace package's copy in the example's deployed
// tree, as pnpm 10.34.9 deploy --legacy named it, is storeName@file+storePath.
func TestWorkspaceEntry(t *testing.T) {
	name, path := WorkspaceEntry("@nexus/shared-database", "packages/shared-database", 10)
	if got := name + "@file+" + path; got != "@nexus+shared-database@file+packages+shared-database" {
		t.Errorf("entry = %q", got)
	}
}
