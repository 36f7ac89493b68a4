// The staff sign-in page: POST /api/v1/auth/login, then back to the page
// that sent the user here (a /staff/ path only) or the workspace.
import { api, ApiError, clearProblem, showProblem, t } from '/shared/js/app.js';
import { safeNext } from './staff.js';

const form = document.getElementById('login-form');
const params = new URLSearchParams(location.search);

function notice(key) {
  const region = form.querySelector('[data-problem]');
  region.replaceChildren();
  region.className = 'alert alert--info';
  region.setAttribute('role', 'status');
  const p = document.createElement('p');
  p.setAttribute('data-i18n', key);
  p.textContent = t(key);
  region.append(p);
  region.hidden = false;
}

if (params.get('reason') === 'signed_out') notice('staff.signed_out');
else if (params.get('reason') === 'expired') notice('staff.session_expired');

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const button = form.querySelector('button[type="submit"]');
  const username = form.elements.namedItem('username');
  const password = form.elements.namedItem('password');
  clearProblem(form);
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = t('staff.login.busy');
  try {
    await api('auth/login', {
      method: 'POST',
      body: { username: username.value.trim(), password: password.value },
    });
    password.value = '';
    location.assign(safeNext(params.get('next')));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    password.value = '';
    showProblem(form, err.problem);
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = t('staff.login.submit');
  }
});
