package integration

import (
	"os"
	"syscall"
)

func owner(fi os.FileInfo) (uid, gid uint32) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 1<<32 - 1, 1<<32 - 1
	}
	return st.Uid, st.Gid
}
