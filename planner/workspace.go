package planner

import (
	"encoding/json"
	"path"
	"slices"
)

// workspace writes the files of the workspace packages in the production
// closure, at their places in the tree, from their builds (their outputs)
// and the context (the sources of those without a build), choosing each
// package's files as pnpm deploy does (npm-packlist); then what the
// target's generate: commands wrote. It reads the tree and writes only
// those files, which the runtime lays onto the tree as a layer of their
// own: editing a workspace package re-runs only this, a copy, and the
// tree's layer stays as it was.
func (b *builder) workspace(pf Platforms) error {
	closure := b.ws.ProdClosure(b.pkg)
	in := WorkspaceInput{Tree: TreeDir, Out: OverlayDir, Root: BuildRoot, Packlist: Packlist}
	for _, p := range closure {
		if p != b.pkg && p != b.ws.Root {
			in.Packages = append(in.Packages, WorkspacePackage{Name: p.JSON.Name, Dir: p.Dir, Manifest: slices.Contains(b.outputs(p), path.Join(p.Dir, "package.json"))})
		}
	}
	gen := b.generate
	if len(in.Packages) == 0 && gen == "" {
		return nil
	}
	needs, sources := b.contributions(b.pkg, closure)
	s := Stage{ID: "workspace", Kind: KindWorkspace, Platform: OnBuild, PerTarget: pf.CrossSelect, Outputs: []string{PruneRoot}, Workdir: BuildRoot,
		Needs: append(append([]string{"deps"}, needs...), b.tree), Inputs: sources, Excludes: []string{NodeModules},
		Mounts:  []Mount{{Stage: b.tree, Target: TreeMount}, {Target: OverlayMount, Keep: KeepResult}},
		Helpers: []string{WorkspaceScript, StoreScript}}
	if len(in.Packages) > 0 {
		data, err := json.Marshal(in)
		if err != nil {
			return err
		}
		s.Files = append(s.Files, File{Path: WorkspaceData, Data: string(data)})
		s.Run = append(s.Run, "node "+WorkspaceScript+" "+WorkspaceData)
	}
	if gen != "" {
		// What the target's generate: commands wrote, laid onto the
		// deployed tree where pnpm deploy left it out.
		data, err := json.Marshal(b.generatedInput(closure))
		if err != nil {
			return err
		}
		s.Needs = append(s.Needs, gen)
		s.Mounts = append(s.Mounts, Mount{Stage: gen, Extra: true, Target: GeneratedMount})
		s.Helpers = append(s.Helpers, GeneratedScript)
		s.Files = append(s.Files, File{Path: GeneratedData, Data: string(data)})
		s.Run = append(s.Run, "node "+GeneratedScript+" place "+GeneratedData)
	}
	b.add(s)
	b.overlay = s.ID
	return nil
}
