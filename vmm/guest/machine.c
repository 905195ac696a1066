/*
 * Machine reset, for when the guest asks for one in a way the VMM sees
 * (triple fault, INIT).  Resets the guest would do itself (ACPI, the
 * keyboard controller) are passed through and never come here.
 */
#include <arch/cpu.h>
#include <sv/console.h>
#include <sv/machine.h>

void machine_reset(void)
{
	/* PCI reset control register (0xcf9): full reset. */
	outb(0xcf9, 0x02);
	outb(0xcf9, 0x06);
	/* Keyboard controller pulse of the reset line. */
	for (int i = 0; i < 100000 && (inb(0x64) & 0x02); i++)
		cpu_relax();
	outb(0x64, 0xfe);
	sv_printf("machine reset failed; halting\n");
	console_flush();
	cpu_halt_forever();
}
