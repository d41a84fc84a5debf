// The dashboard's only script (progressive enhancement; every page works without it), served at /dashboard/assets/app.js.
export const APP_JS = `
'use strict';
document.addEventListener('click', async (event) => {
  const button = event.target.closest('[data-copy]');
  if (!button) return;
  const field = document.getElementById(button.getAttribute('data-copy'));
  if (!field) return;
  const text = field.value || field.textContent || '';
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    field.select();
    document.execCommand('copy');
  }
  const label = button.textContent;
  button.textContent = 'Copied';
  setTimeout(() => { button.textContent = label; }, 1500);
});
document.addEventListener('submit', (event) => {
  const message = event.target.getAttribute('data-confirm');
  if (message && !window.confirm(message)) event.preventDefault();
});
// The model picker's filter: without script every checkbox is listed, with it they can be searched.
document.querySelectorAll('[data-model-filter]').forEach((input) => {
  input.hidden = false;
  const labels = input.parentElement.querySelectorAll('label[data-model]');
  input.addEventListener('input', () => {
    const wanted = input.value.trim().toLowerCase();
    labels.forEach((label) => { label.hidden = wanted !== '' && !label.getAttribute('data-model').toLowerCase().includes(wanted); });
  });
});
const amount = document.querySelector('[data-topup-amount]');
if (amount) {
  const preview = document.querySelector('[data-topup-preview]');
  const rate = Number(amount.getAttribute('data-rate'));
  const update = () => {
    const currency = (document.querySelector('input[name="currency"]:checked') || {}).value;
    const value = Number(amount.value);
    if (!preview) return;
    if (!value || value <= 0) { preview.textContent = ''; return; }
    const usd = currency === 'cny' ? value / rate : value;
    preview.textContent = 'You get $' + (Math.floor(usd * 10000) / 10000).toFixed(4) + ' of credit' + (currency === 'cny' ? ' (at ' + rate + ' CNY per USD)' : '') + '.';
  };
  amount.addEventListener('input', update);
  document.querySelectorAll('input[name="currency"]').forEach((el) => el.addEventListener('change', update));
  update();
}
`
