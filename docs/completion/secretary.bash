# bash completion for secretary                          -*- shell-script -*-
_secretary() {
    # Split the line as the user sees it: bash's own words break at ':' and
    # '=', which would cut file://PATH and ARNs apart.
    local line="${COMP_LINE:0:COMP_POINT}"
    local -a words
    read -ra words <<< "$line"
    [[ "$line" =~ [[:space:]]$ ]] && words+=("")
    local cur="${words[${#words[@]}-1]}"
    local IFS=$'\n'
    local -a cands
    cands=($(secretary __complete "${words[@]:1}" 2>/dev/null))
    # bash replaces only the part of the word after its last break.
    local cw="${COMP_WORDS[COMP_CWORD]}" strip="" c
    [[ "$cur" == *"$cw" ]] && strip="${cur%"$cw"}"
    COMPREPLY=()
    for c in "${cands[@]}"; do
        COMPREPLY+=("${c#"$strip"}")
        case "$c" in */|*=) compopt -o nospace 2>/dev/null ;; esac
    done
}
complete -F _secretary secretary
