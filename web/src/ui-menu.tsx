// A menu button: one button that opens a short list of actions (WAI-ARIA menu button pattern).
// It keeps rows of items from becoming walls of equal buttons, and it is the keyboard and phone
// way to do what a drag does on the board. Arrow keys move between items, Escape closes and
// returns focus to the button, a click outside or Tab closes.
import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface MenuItem {
  label: ReactNode;
  /** An action; or `href` for a link (a download, a page). */
  onSelect?: () => void;
  href?: string;
  download?: string;
  danger?: boolean;
  disabled?: boolean;
  /** Extra text for assistive technology (what the item acts on). */
  ariaLabel?: string;
}

export function MenuButton({
  label,
  items,
  ariaLabel,
  className,
  empty,
  testId,
}: {
  label: ReactNode;
  items: MenuItem[];
  ariaLabel?: string;
  className?: string;
  /** Shown instead of items when there are none (e.g. "No other status"). */
  empty?: ReactNode;
  testId?: string;
}) {
  const [open, setOpen] = useState(false);
  const [alignRight, setAlignRight] = useState(false);
  const id = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLUListElement>(null);

  const itemsEls = () => [...(list.current?.querySelectorAll<HTMLElement>('[role=menuitem]:not([aria-disabled=true])') ?? [])];
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  useLayoutEffect(() => {
    if (!open || !list.current) return;
    // Open towards the side with room, so the menu never runs off a phone's screen.
    const r = root.current!.getBoundingClientRect();
    setAlignRight(r.left + list.current.offsetWidth > document.documentElement.clientWidth - 8);
    itemsEls()[0]?.focus();
  }, [open]);

  useEffect(() => {
    if (!open) return;
    const outside = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);

  const onKey = (e: KeyboardEvent) => {
    const els = itemsEls();
    const at = els.indexOf(document.activeElement as HTMLElement);
    const go = (i: number) => els[(i + els.length) % els.length]?.focus();
    if (e.key === 'Escape') (e.preventDefault(), close(true));
    else if (e.key === 'ArrowDown') (e.preventDefault(), go(at + 1));
    else if (e.key === 'ArrowUp') (e.preventDefault(), go(at - 1));
    else if (e.key === 'Home') (e.preventDefault(), go(0));
    else if (e.key === 'End') (e.preventDefault(), go(els.length - 1));
    else if (e.key === 'Tab') close(false);
  };

  return (
    <div className={`menu ${className ?? ''}`} ref={root} onKeyDown={open ? onKey : undefined} data-testid={testId}>
      <button
        type="button"
        ref={button}
        className="btn btn-secondary btn-small menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        aria-label={ariaLabel}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (!open && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) (e.preventDefault(), setOpen(true));
        }}
      >
        {label}
        <span aria-hidden="true" className="caret">
          ▾
        </span>
      </button>
      {open && (
        <ul role="menu" id={id} ref={list} className={`menu-list ${alignRight ? 'align-right' : ''}`}>
          {items.length === 0 && empty && (
            <li role="none" className="menu-empty">
              {empty}
            </li>
          )}
          {items.map((item, i) => (
            <li role="none" key={i}>
              {item.href ? (
                // Closed after the click has done its work: a link removed from the page would not download.
                <a role="menuitem" href={item.href} download={item.download} aria-label={item.ariaLabel} tabIndex={-1} onClick={() => setTimeout(() => close(false))}>
                  {item.label}
                </a>
              ) : (
                <button
                  type="button"
                  role="menuitem"
                  tabIndex={-1}
                  className={item.danger ? 'danger' : undefined}
                  aria-label={item.ariaLabel}
                  aria-disabled={item.disabled || undefined}
                  onClick={() => {
                    if (item.disabled) return;
                    close(true);
                    item.onSelect?.();
                  }}
                >
                  {item.label}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
