#compdef secretary
# zsh completion for secretary
_secretary() {
    local -a candidates
    candidates=("${(@f)$(secretary __complete "${(@)words[2,CURRENT-1]}" "${words[CURRENT]}" 2>/dev/null)}")
    candidates=(${candidates:#})
    (( ${#candidates} )) || return 1
    local -a dirs others
    local c
    for c in $candidates; do
        case $c in */|*=) dirs+=("$c") ;; *) others+=("$c") ;; esac
    done
    (( ${#others} )) && compadd -Q -- $others
    (( ${#dirs} )) && compadd -Q -S '' -- $dirs
    return 0
}
if [ "$funcstack[1]" = "_secretary" ]; then
    _secretary "$@"
else
    compdef _secretary secretary
fi
