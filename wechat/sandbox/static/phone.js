"use strict";
const $ = (id) => document.getElementById(id);
const state = { appid: "", openid: "", after: 0, timer: null };

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const response = await fetch(path, options);
  const data = await response.json();
  if (!response.ok) { throw new Error(data.detail || response.statusText); }
  return data;
}

function option(select, value, label) {
  const el = document.createElement("option");
  el.value = value; el.textContent = label; select.appendChild(el);
}

async function loadApps() {
  const { apps } = await api("/sandbox/api/apps");
  $("app").innerHTML = "";
  apps.forEach((a) => option($("app"), a.appid, `${a.name}（${a.mode}）`));
  state.appid = apps.length ? apps[0].appid : "";
  await loadUsers();
}

async function loadUsers(selected) {
  const { users } = await api(`/sandbox/api/users?appid=${encodeURIComponent(state.appid)}`);
  $("user").innerHTML = "";
  users.forEach((u) => option($("user"), u.openid, `${u.nickname}${u.subscribed ? "（已关注）" : ""}`));
  if (selected) { $("user").value = selected; }
  await selectUser($("user").value);
  const { qrcodes } = await api(`/sandbox/api/qrcodes?appid=${encodeURIComponent(state.appid)}`);
  $("qrcodes").innerHTML = "";
  qrcodes.forEach((q) => option($("qrcodes"), q.ticket, `${q.scene}${q.permanent ? "（永久）" : "（临时）"}`));
}

async function selectUser(openid) {
  state.openid = openid || ""; state.after = 0;
  $("chat").innerHTML = "";
  if (!openid) { return; }
  await api("/sandbox/api/select", { openid });
  await refresh();
}

function describe(entry) {
  const p = entry.payload || {};
  const labels = { passive: "被动回复", custom: "客服消息", template: "模板消息", mass: "群发消息", preview: "群发预览" };
  if (entry.kind === "user") { return { text: p.Content || (p.Label ? `[位置] ${p.Label}` : p.msgtype), mine: true }; }
  if (entry.kind === "system") { return { text: p.content, system: true }; }
  if (entry.kind === "redpack") {
    const yuan = (p.total_amount / 100).toFixed(2);
    return { label: `微信红包 · ${p.send_name}`, text: `${p.wishing}\n¥${yuan}（${p.act_name}）`, redpack: true };
  }
  let text = "";
  const type = p.MsgType || p.msgtype;
  if (entry.kind === "template") {
    text = Object.entries(p.data || {}).map(([k, v]) => `${k}：${v.value}`).join("\n");
    return { label: labels.template, text, url: p.url };
  }
  if (type === "text") { text = p.Content || (p.text || {}).content; }
  else if (type === "news") {
    const item = p.Articles ? p.Articles.item : ((p.news || {}).articles || [])[0] || {};
    const one = Array.isArray(item) ? item[0] : item;
    return { label: labels[entry.kind], text: one.Title || one.title, url: one.Url || one.url };
  } else { text = `[${type}]`; }
  return { label: labels[entry.kind] || entry.kind, text };
}

function render(entry) {
  const view = describe(entry);
  const el = document.createElement("div");
  el.className = "bubble" + (view.mine ? " me" : "") + (view.system ? " system" : "") + (view.redpack ? " redpack" : "");
  if (view.label) { const tag = document.createElement("span"); tag.className = "tag"; tag.textContent = view.label; el.appendChild(tag); }
  el.appendChild(document.createTextNode(view.text || ""));
  if (view.url) {
    const link = document.createElement("a"); link.textContent = "\n查看详情"; link.onclick = () => openPage(view.url);
    el.appendChild(link);
  }
  $("chat").appendChild(el);
  $("chat").scrollTop = $("chat").scrollHeight;
}

async function refresh() {
  if (!state.openid) { return; }
  const data = await api(`/sandbox/api/feed?openid=${encodeURIComponent(state.openid)}&after=${state.after}`);
  data.entries.forEach((e) => { render(e); state.after = Math.max(state.after, e.id); });
  $("title").textContent = `${$("app").selectedOptions[0]?.textContent || "公众号"} · ${data.user.nickname}`;
  await loadMenu();
}

async function loadMenu() {
  const { button } = await api(`/sandbox/api/menu?openid=${encodeURIComponent(state.openid)}`);
  $("menu").innerHTML = "";
  button.forEach((top) => {
    const el = document.createElement("div"); el.className = "top"; el.textContent = top.name;
    const subs = top.sub_button || [];
    if (subs.length) {
      const box = document.createElement("div"); box.className = "subs"; box.hidden = true;
      subs.forEach((s) => { const d = document.createElement("div"); d.textContent = s.name; d.onclick = (ev) => { ev.stopPropagation(); box.hidden = true; tap(s); }; box.appendChild(d); });
      el.appendChild(box); el.onclick = () => { box.hidden = !box.hidden; };
    } else { el.onclick = () => tap(top); }
    $("menu").appendChild(el);
  });
}

async function act(body) {
  $("status").textContent = "";
  try {
    const result = await api("/sandbox/api/act", { openid: state.openid, ...body });
    if (result.user_visible_error) { $("status").textContent = "回调未正常应答：" + JSON.stringify(result.attempts || result.error); }
  } catch (err) { $("status").textContent = err.message; }
  await refresh();
}

async function tap(button) {
  await act({ action: "menu", button });
  if (button.type === "view") { openPage(button.url); }
}

async function openPage(url) {
  // Inside WeChat an H5 page reaches the OAuth page as the current user; the sandbox does too.
  $("webview").src = url; $("webview").hidden = false; $("close-webview").hidden = false;
}

$("app").onchange = () => { state.appid = $("app").value; loadUsers(); };
$("user").onchange = () => selectUser($("user").value);
$("new-user").onsubmit = async (ev) => {
  ev.preventDefault();
  const user = await api("/sandbox/api/users", { appid: state.appid, nickname: $("nickname").value });
  $("nickname").value = ""; await loadUsers(user.openid);
};
$("scan").onclick = () => act({ action: "scan", ticket: $("qrcodes").value });
$("scan-paste").onsubmit = (ev) => {
  ev.preventDefault();
  const value = $("paste").value.trim();
  act(value.startsWith("gQ") ? { action: "scan", ticket: value } : { action: "scan", scene: value });
};
$("follow").onclick = () => act({ action: "follow" });
$("unfollow").onclick = () => act({ action: "unfollow" });
$("composer").onsubmit = (ev) => {
  ev.preventDefault();
  const content = $("text").value; if (!content) { return; }
  $("text").value = ""; act({ action: "text", content });
};
$("location").onsubmit = (ev) => {
  ev.preventDefault();
  act({ action: "location", label: $("location-label").value, latitude: 22.5431, longitude: 114.0579 });
};
$("close-webview").onclick = () => { $("webview").hidden = true; $("close-webview").hidden = true; $("webview").src = "about:blank"; };
async function refreshSms() {
  const { configured, messages } = await api("/sandbox/api/sms");
  $("sms-box").hidden = !configured;
  $("sms").innerHTML = "";
  messages.forEach((m) => {
    const li = document.createElement("li");
    li.textContent = `${m.to}：${m.text}`;
    $("sms").appendChild(li);
  });
}
state.timer = setInterval(() => { refresh().catch(() => {}); refreshSms().catch(() => {}); }, 1500);
loadApps().catch((err) => { $("status").textContent = err.message; });
