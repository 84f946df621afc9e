# fish completion for secretary
function __secretary_complete
    set -l words (commandline -opc)
    set -e words[1]
    secretary __complete $words (commandline -ct) 2>/dev/null
end
complete -c secretary -f -a '(__secretary_complete)'
