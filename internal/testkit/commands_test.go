package testkit

import "testing"

// TestCalledCommands: CalledCommands can see an injection.
func TestCalledCommands(t *testing.T) {
	if !CalledCommands(`echo x; pwned`)["pwned"] || !CalledCommands(`echo "$(pwned)"`)["pwned"] || !CalledCommands("echo `pwned`")["pwned"] {
		t.Error("an injected command was not seen")
	}
	if CalledCommands(`echo '$(pwned)' 'a;pwned'`)["pwned"] {
		t.Error("a quoted name was taken for a command")
	}
}
