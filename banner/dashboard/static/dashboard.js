/* Progressive enhancement for the dashboard: every page works without it. */
(() => {
  'use strict';
  const d = document;

  /* Copy buttons: <button data-copy="#id">, the text of the target goes to the clipboard */
  d.addEventListener('click', event => {
    const button = event.target.closest('[data-copy]');
    if (!button) return;
    const target = d.querySelector(button.dataset.copy);
    if (!target || !navigator.clipboard) return;
    navigator.clipboard.writeText(target.value || target.textContent.trim()).then(() => {
      const label = button.textContent;
      button.textContent = button.dataset.copied || 'Copied';
      setTimeout(() => { button.textContent = label; }, 1600);
    });
  });

  /* On a phone the menu is a strip that scrolls sideways, from the start of the reading
     direction: bring the current page's entry into view, or it may sit cut off at the edge. */
  const current = d.querySelector('.sidebar [aria-current="page"]');
  if (current) current.scrollIntoView({block: 'nearest', inline: 'nearest'});

  /* Confirmations: <form data-confirm="Are you sure?"> asks before it is sent */
  d.addEventListener('submit', event => {
    const message = event.target.dataset && event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });
})();
