/* The first link's symbol table: empty. The final image links the table
 * tools/kallsyms.py makes from the first link instead (cmake/target.cmake). */
    .section .kallsyms, "a"
    .balign 4
    .globl kallsyms_num
kallsyms_num: .word 0
    .globl kallsyms_addresses
kallsyms_addresses:
    .globl kallsyms_names
kallsyms_names:
